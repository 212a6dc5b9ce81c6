package org.yiyang.profiles.validation;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.utilities.validation.ValidationMessage;

/**
 * Verdicts of reference resources, remembered by their exact content. The validator's verdict is a
 * function of the encoded resource, the requested profiles and the (fixed) conformance package, so
 * a resource seen before with the same bytes gets the same messages. Worth it only for resources
 * that recur unchanged: the facility {@code Organization} is in every record a facility sends,
 * while residents' Patients are all different. Only the configured types are kept, never a type
 * with personal data, and at most {@code maxEntries} (when full, the cache starts over: a change of
 * a facility's data costs one validation, never a wrong verdict). See
 * docs/adr/0031-verdict-cache-for-reference-resources.md.
 */
final class VerdictCache {

  /** The whole input of a verdict: type, explicitly requested profiles, encoded resource. */
  record Key(String resourceType, List<String> profiles, String json) {}

  private final Set<String> types;
  private final int maxEntries;
  private final Map<Key, List<ValidationMessage>> verdicts = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();

  VerdictCache(Set<String> types, int maxEntries) {
    this.types = Set.copyOf(types);
    this.maxEntries = maxEntries;
  }

  /** The key for a resource, or null when resources of its type are not cached. */
  Key keyFor(String resourceType, Collection<String> profiles, String json) {
    if (maxEntries <= 0 || resourceType == null || !types.contains(resourceType)) {
      return null;
    }
    return new Key(resourceType, List.copyOf(new TreeSet<>(profiles)), json);
  }

  /** The remembered messages (not to be modified), or null. */
  List<ValidationMessage> get(Key key) {
    List<ValidationMessage> known = verdicts.get(key);
    if (known != null) {
      hits.incrementAndGet();
    }
    return known;
  }

  /** Remembers the final messages of a validation (after HAPI's filtering and upgrades). */
  void put(Key key, List<ValidationMessage> messages) {
    if (verdicts.size() >= maxEntries) {
      verdicts.clear();
    }
    verdicts.put(key, List.copyOf(messages));
  }

  long hits() {
    return hits.get();
  }

  int size() {
    return verdicts.size();
  }
}
