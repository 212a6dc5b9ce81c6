package org.yiyang.profiles.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.Set;
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
 * <p>Only final answers are remembered (see {@link #isFinal}), so the map of found definitions is
 * bounded by what the chain holds (a few thousand at most). URLs the chain does not know are
 * remembered too: the core asks for them on every resource (the StructureDefinition of the FHIRPath
 * type {@code System.String} behind every primitive's value, a ValueSet under the URL of each
 * coding's code system, about 20 asks per Patient), and each such ask went through the chain's
 * global lock and its expiring cache. A miss cannot turn into a hit while the gateway runs (the
 * chain is the conformance package, the core definitions and built-in terminology, all loaded
 * once), but those URLs come from input (a record's {@code meta.profile}, its codings' systems), so
 * at most {@link #MAX_ABSENT} of them are remembered; beyond that a miss is asked of the chain
 * every time, as before. Both bounds are guards, not sizes expected.
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

  /** More than the distinct unknown URLs a sane feed produces; a flood of junk stops here. */
  static final int MAX_ABSENT = 1_000;

  /** URLs (per type) the chain answered with nothing. */
  private final Map<Class<?>, Set<String>> absent = new ConcurrentHashMap<>();

  private final AtomicInteger absentEntries = new AtomicInteger();

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
    Set<String> unknown = absent.computeIfAbsent(type, t -> ConcurrentHashMap.newKeySet());
    if (unknown.contains(url)) {
      return null;
    }
    T fetched = super.fetchResource(type, url);
    if (fetched == null) {
      if (absentEntries.get() < MAX_ABSENT && unknown.add(url)) {
        absentEntries.incrementAndGet();
      }
      return null;
    }
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

  /** How many unknown URLs are remembered (for tests and diagnostics). */
  int absentSize() {
    return absentEntries.get();
  }
}
