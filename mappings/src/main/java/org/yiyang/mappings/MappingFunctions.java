package org.yiyang.mappings;

import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.rules.Divisions;

/**
 * The functions the engine adds to JSONata, so that mappings stay free of URLs, hashing and code
 * tables:
 *
 * <ul>
 *   <li>{@code $canonical('NAME')}: the value of the constant {@code NAME} of {@link Canonical};
 *   <li>{@code $translate(code, conceptMapUrl, field)}: the target code of a ConceptMap;
 *   <li>{@code $translateCoding(code, conceptMapUrl, field)}: the same as {@code {system, code}};
 *   <li>{@code $translateReverse(code, conceptMapUrl, field)}: target back to source code;
 *   <li>{@code $resourceId(prefix, key...)}: prefix + first 32 hex of HMAC-SHA256 of the keys
 *       joined by {@code |}, keyed with the deployment's {@link ResourceIdKey}: stable for a
 *       record, not guessable from the facility code and record number alone;
 *   <li>{@code $uuid(key...)}: {@code urn:uuid:} + name-based (type 3) UUID of the keys joined by
 *       {@code |};
 *   <li>{@code $division(code)}: {@code {state, city, district}} of a GB/T 2260 division code;
 *   <li>{@code $base64Sha1(data)}: the SHA-1 of the bytes a base64 text stands for, in base64 (FHIR
 *       R4 {@code Attachment.hash}), decoded in one pass without copying the text;
 *   <li>{@code $recordNoSystem()}: the record-number identifier system (without the facility code)
 *       of the record flow whose {@code flow.json} names the mapping, so that a new flow needs no
 *       {@link Canonical} constant.
 * </ul>
 *
 * All functions return undefined for an undefined code, so optional fields need no guard.
 */
final class MappingFunctions {

  /** Literal uses of {@code $canonical('NAME')}, checked when a mapping is compiled. */
  private static final Pattern CANONICAL_CALL =
      Pattern.compile("\\$canonical\\(\\s*['\"]([^'\"]*)['\"]\\s*\\)");

  private static final Map<String, String> CANONICAL = canonicalConstants();

  private static final Pattern RECORD_NO_SYSTEM_CALL = Pattern.compile("\\$recordNoSystem\\(");

  private final ConceptMapRegistry conceptMaps;
  private final ResourceIdKey idKey;

  MappingFunctions(ConceptMapRegistry conceptMaps, ResourceIdKey idKey) {
    this.conceptMaps = conceptMaps;
    this.idKey = idKey;
  }

  /**
   * Registers the functions on a compiled expression (before it is shared between threads).
   *
   * @param recordNoSystem the identifier system of the mapping's record flow, null for none
   */
  void registerOn(Jsonata expression, String recordNoSystem) {
    if (recordNoSystem != null) {
      expression.registerFunction("recordNoSystem", fn(args -> recordNoSystem));
    }
    expression.registerFunction("canonical", fn(args -> canonical(string(args, 0))));
    expression.registerFunction(
        "translate",
        fn(
            args -> {
              String code = string(args, 0);
              return code == null
                  ? null
                  : conceptMaps.translate(code, string(args, 1), string(args, 2)).code();
            }));
    expression.registerFunction(
        "translateCoding",
        fn(
            args -> {
              String code = string(args, 0);
              return code == null
                  ? null
                  : conceptMaps.translate(code, string(args, 1), string(args, 2)).toJson();
            }));
    expression.registerFunction(
        "translateReverse",
        fn(
            args -> {
              String code = string(args, 0);
              return code == null
                  ? null
                  : conceptMaps.translateReverse(code, string(args, 1), string(args, 2)).code();
            }));
    expression.registerFunction(
        "resourceId",
        fn(args -> resourceId(idKey, string(args, 0), keys(args.subList(1, args.size())))));
    expression.registerFunction("uuid", fn(args -> uuid(keys(args))));
    expression.registerFunction("division", fn(args -> division(string(args, 0))));
    expression.registerFunction("base64Sha1", fn(args -> base64Sha1(string(args, 0))));
  }

  /**
   * {@code {state, city, district}} of a GB/T 2260 code of the package ({@link Divisions}); parts
   * that do not apply are left out; undefined for an undefined or unknown code.
   */
  static Map<String, String> division(String code) {
    return Divisions.of(code)
        .map(
            parts -> {
              Map<String, String> out = new java.util.LinkedHashMap<>();
              out.put("state", parts.state());
              if (parts.city() != null) {
                out.put("city", parts.city());
              }
              if (parts.district() != null) {
                out.put("district", parts.district());
              }
              return out;
            })
        .orElse(null);
  }

  /** The base64 SHA-1 of the bytes of a base64 text; undefined for undefined or not base64. */
  static String base64Sha1(String data) {
    if (data == null) {
      return null;
    }
    try {
      return java.util.Base64.getEncoder()
          .encodeToString(Base64Text.digest(data, Long.MAX_VALUE).sha1());
    } catch (java.io.IOException notBase64) {
      return null;
    }
  }

  /** Whether a mapping text calls {@code $recordNoSystem()}, which only a flow's mappings have. */
  static boolean callsRecordNoSystem(String mappingText) {
    return RECORD_NO_SYSTEM_CALL.matcher(mappingText).find();
  }

  /**
   * Checks every literal {@code $canonical('NAME')} of a mapping text.
   *
   * @return the unknown names, empty when all resolve
   */
  static List<String> unknownCanonicalNames(String mappingText) {
    Matcher matcher = CANONICAL_CALL.matcher(mappingText);
    List<String> unknown = new java.util.ArrayList<>();
    while (matcher.find()) {
      if (!CANONICAL.containsKey(matcher.group(1))) {
        unknown.add(matcher.group(1));
      }
    }
    return unknown;
  }

  static String canonical(String name) {
    String value = CANONICAL.get(name);
    if (value == null) {
      throw MappingException.of(
          ErrorCode.MAPPING_DEFINITION, "", "$canonical: Canonical has no constant " + name);
    }
    return value;
  }

  /** Prefix + first 32 hex characters of HMAC-SHA256 (keyed) over the keys joined by '|'. */
  static String resourceId(ResourceIdKey key, String prefix, List<String> keys) {
    return (prefix == null ? "" : prefix) + key.hex32(String.join("|", keys));
  }

  /** {@code urn:uuid:} + the name-based UUID of the keys joined by '|'. */
  static String uuid(List<String> keys) {
    return "urn:uuid:"
        + UUID.nameUUIDFromBytes(String.join("|", keys).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> keys(List<?> args) {
    if (args.isEmpty()) {
      throw MappingException.of(
          ErrorCode.MAPPING_DEFINITION, "", "$resourceId/$uuid: at least one key is required");
    }
    List<String> keys = new java.util.ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      Object key = args.get(i);
      if (!(key instanceof String text) || text.isEmpty()) {
        // A missing key would make different records share an id.
        throw MappingException.of(
            ErrorCode.MAPPING_DEFINITION,
            "",
            "$resourceId/$uuid: key " + (i + 1) + " is missing or not a string");
      }
      keys.add(text);
    }
    return keys;
  }

  private static String string(List<?> args, int index) {
    if (index >= args.size()) {
      return null;
    }
    Object value = args.get(index);
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      return text;
    }
    throw MappingException.of(
        ErrorCode.MAPPING_DEFINITION,
        "",
        "argument " + (index + 1) + " of a mapping function must be a string");
  }

  @FunctionalInterface
  private interface Body {
    Object apply(List<?> args);
  }

  private static JFunction fn(Body body) {
    // No signature: arguments arrive as given, undefined as null.
    return new JFunction((input, args) -> body.apply(args == null ? List.of() : args), null);
  }

  private static Map<String, String> canonicalConstants() {
    Map<String, String> constants = new HashMap<>();
    for (Field field : Canonical.class.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)
          && field.getType() == String.class) {
        try {
          constants.put(field.getName(), (String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Map.copyOf(constants);
  }

  /** True when {@code url} is the value of one of Canonical's {@code CS_*} constants. */
  static boolean isCanonicalCodeSystem(String url) {
    return CANONICAL.entrySet().stream()
        .anyMatch(
            e ->
                e.getKey().startsWith("CS_")
                    && !e.getKey().endsWith("_ALIAS")
                    && e.getValue().equals(url));
  }
}
