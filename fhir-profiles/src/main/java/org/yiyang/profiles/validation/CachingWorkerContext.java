package org.yiyang.profiles.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r5.model.Resource;
import org.hl7.fhir.r5.model.StructureDefinition;

/**
 * HAPI's worker context with its look-ups remembered. The core validator asks the context for the
 * same definitions (profiles, extension definitions, value sets, code systems) many times per
 * resource; HAPI's adapter answers every ask through the support chain's cache and then takes a
 * lock on the found resource to read its R5 conversion. Both give the same object every time: the
 * package is loaded once and never changes, and the chain and the adapter keep one converted
 * definition per source resource. This class remembers that object per (type, URL), so repeated
 * asks take no lock and no chain look-up.
 *
 * <p>Only final answers are remembered (see {@link #isFinal}), and only resources that were found,
 * so the map is bounded by the definitions the chain holds (a few thousand at most), never by
 * input: an unknown profile URL in a record is asked of the chain every time, as before. The bound
 * below is a guard, not a size expected.
 */
final class CachingWorkerContext extends WorkerContextValidationSupportAdapter {

  /** Far above the number of definitions in the package and the R4 core. */
  static final int MAX_ENTRIES = 20_000;

  /**
   * Type, then URL: two plain hash look-ups (a record key's generated equals and hashCode ran as
   * method-handle calls in 7 % of a gateway's samples while the JIT had not reached them yet).
   */
  private final Map<Class<?>, Map<String, Resource>> found = new ConcurrentHashMap<>();

  private final AtomicInteger entries = new AtomicInteger();

  CachingWorkerContext(IValidationSupport validationSupport) {
    super(validationSupport);
  }

  @Override
  public <T extends Resource> T fetchResource(Class<T> type, String url) {
    if (type == null || url == null) {
      return super.fetchResource(type, url);
    }
    Map<String, Resource> ofType = found.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    Resource known = ofType.get(url);
    if (known != null) {
      @SuppressWarnings(
          "unchecked") // as HAPI's own fetchResource: the chain found it for this type
      T same = (T) known;
      return same;
    }
    T fetched = super.fetchResource(type, url);
    if (isFinal(fetched)
        && entries.get() < MAX_ENTRIES
        && ofType.putIfAbsent(url, fetched) == null) {
      entries.incrementAndGet();
    }
    return fetched;
  }

  /**
   * Whether HAPI itself keeps this answer: a StructureDefinition only once it has its snapshot.
   * While a snapshot is being generated, the generator's own look-ups get a provisional R5 copy
   * without one, and so does every look-up after a generation failed; HAPI does not keep those, and
   * neither may this cache (remembering one turned every later verdict into "no snapshot").
   */
  private static boolean isFinal(Resource fetched) {
    if (fetched == null) {
      return false;
    }
    return !(fetched instanceof StructureDefinition sd) || sd.hasSnapshot();
  }

  /** How many definitions are remembered (for tests and diagnostics). */
  int size() {
    return entries.get();
  }
}
