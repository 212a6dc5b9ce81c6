package org.yiyang.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbstractJsonValidator;
import com.networknt.schema.DisallowUnknownKeywordFactory;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.JsonValidator;
import com.networknt.schema.Keyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationContext;
import com.networknt.schema.ValidationMessage;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.rules.CitizenId;
import org.yiyang.profiles.rules.Uscc;

/**
 * The JSON Schema (2020-12) of a mapping's input, compiled once with the gateway's formats and
 * keywords, turning schema errors into {@link SourceIssue}s whose messages never carry values.
 *
 * <p>Extensions to the standard vocabulary:
 *
 * <ul>
 *   <li>format {@code cn-citizen-id}: GB 11643 structure, birth date and check character (GW-1004);
 *   <li>format {@code cn-uscc}: GB 32100 alphabet and check character (GW-1008);
 *   <li>{@code "x-code-system": "<CodeSystem URL>"}: the string is a code of that package
 *       CodeSystem (GW-1006); the URL must be one of Canonical's {@code CS_*} constants;
 *   <li>{@code "x-not-future": true}: a {@code YYYY-MM-DD} date that is not after today in China
 *       (GW-1003);
 *   <li>{@code "x-citizen-id-consistency": {"id": .., "birthDate": .., "sex": ..}} on an object:
 *       the birth date and sex encoded in the citizen ID agree with the named sibling fields
 *       (GW-1005); skipped when the ID number itself is invalid, which the format already reports;
 *   <li>{@code "x-date-order": {"from": .., "to": ..}} on an object: the {@code to} date is not
 *       before the {@code from} date (GW-1015);
 *   <li>{@code "x-score-level": {"score": .., "sumOf": [..], "level": .., "bands": [{"min", "max",
 *       "level"}..], "raiseOneWhen": [{"field", "equals" | "atLeast"}..]}} on an object: the score
 *       is the sum of its parts and the level is the one of the score's band, one step further
 *       along the bands when a raise condition holds, capped at the last band (GW-1015, a value
 *       that contradicts another). The rule of assessment scales such as GB/T 42195-2022 that JSON
 *       Schema cannot state.
 *   <li>{@code "x-consent": {"field": .., "anyOf": [..]}} on an object: the record carries the
 *       resident's consent, an object in {@code field} with at least one of the {@code anyOf}
 *       fields (a Consent reference, the signed form's number); without it GW-2003 (422) naming
 *       {@code field}: the request is well formed, but may not be processed.
 *   <li>{@code "x-attachments": {"data": .., "contentType": .., "size": .., "sha256": ..}} on an
 *       array of attachments (the item fields named): each attachment with {@code data} (base64) is
 *       decoded in one pass, without copying the text, against the catalog's {@link
 *       AttachmentPolicy}: a type outside the allow-list or bytes not of the declared type GW-1016
 *       (415), more bytes than one attachment or all of them may hold GW-1009 (413), a declared
 *       size or SHA-256 that the bytes do not match GW-2004 (422), text that is not base64 GW-1003.
 * </ul>
 */
final class SourceSchema {

  static final String CITIZEN_ID_FORMAT = "cn-citizen-id";
  static final String USCC_FORMAT = "cn-uscc";
  static final String CODE_SYSTEM_KEYWORD = "x-code-system";
  static final String NOT_FUTURE_KEYWORD = "x-not-future";
  static final String CONSISTENCY_KEYWORD = "x-citizen-id-consistency";
  static final String SCORE_LEVEL_KEYWORD = "x-score-level";
  static final String DATE_ORDER_KEYWORD = "x-date-order";
  static final String CONSENT_KEYWORD = "x-consent";
  static final String ATTACHMENTS_KEYWORD = "x-attachments";

  /** Dates are judged in the facilities' time zone, not the server's. */
  static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

  private static final Map<String, ErrorCode> CODE_BY_FORMAT =
      Map.of(CITIZEN_ID_FORMAT, ErrorCode.CITIZEN_ID_CHECK, USCC_FORMAT, ErrorCode.USCC_CHECK);

  private static final Map<String, String> RULE_BY_FORMAT =
      Map.of(
          CITIZEN_ID_FORMAT,
          "the GB 11643 check character or structure",
          USCC_FORMAT,
          "the GB 32100 check character or structure",
          "date",
          "the date format YYYY-MM-DD",
          "date-time",
          "the date-time format of RFC 3339");

  /** Issue codes that make an {@link ErrorCode#UNKNOWN_CODE} on the same field redundant. */
  private static final Set<ErrorCode> SHAPE_CODES =
      EnumSet.of(ErrorCode.INVALID_VALUE, ErrorCode.REQUIRED_FIELD);

  private final String file;
  private final JsonSchema schema;
  private final boolean attachments;

  private SourceSchema(String file, JsonSchema schema, boolean attachments) {
    this.file = file;
    this.schema = schema;
    this.attachments = attachments;
  }

  /** Whether records of this schema carry attachments ({@code x-attachments}). */
  boolean carriesAttachments() {
    return attachments;
  }

  /**
   * Compiles a schema text.
   *
   * @param file the classpath name, used in error messages only
   * @throws MappingDefinitionException naming the file when the schema is not usable
   */
  static SourceSchema compile(String file, JsonNode schemaJson, CodeLookup codes) {
    return compile(file, schemaJson, codes, AttachmentPolicy.DEFAULT);
  }

  /** Compiles a schema text whose {@code x-attachments} follow this policy. */
  static SourceSchema compile(
      String file, JsonNode schemaJson, CodeLookup codes, AttachmentPolicy attachments) {
    JsonNode declared = schemaJson.path("$schema");
    if (!SpecVersion.VersionFlag.V202012.getId().equals(declared.asText())) {
      throw new MappingDefinitionException(
          file + ": $schema must be " + SpecVersion.VersionFlag.V202012.getId());
    }
    JsonMetaSchema metaSchema =
        JsonMetaSchema.builder(JsonMetaSchema.getV202012())
            .format(new CheckFormat(CITIZEN_ID_FORMAT, CitizenId::isValid))
            .format(new CheckFormat(USCC_FORMAT, Uscc::isValid))
            .keyword(new CodeSystemKeyword(codes))
            .keyword(new NotFutureKeyword())
            .keyword(new ConsistencyKeyword())
            .keyword(new ScoreLevelKeyword())
            .keyword(new DateOrderKeyword())
            .keyword(new ConsentKeyword())
            .keyword(new AttachmentsKeyword(attachments))
            // A misspelt keyword ("requird") would silently check nothing: refuse it.
            .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012, builder -> builder.metaSchema(metaSchema));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).failFast(false).build();
    try {
      JsonSchema schema = factory.getSchema(schemaJson, config);
      schema.initializeValidators();
      return new SourceSchema(
          file, schema, schemaJson.toString().contains("\"" + ATTACHMENTS_KEYWORD + "\""));
    } catch (JsonSchemaException | IllegalArgumentException | IllegalStateException e) {
      throw new MappingDefinitionException(file + ": " + e.getMessage(), e);
    }
  }

  String file() {
    return file;
  }

  /** Every issue of {@code input}, one per field and code, ordered by field then code. */
  List<SourceIssue> check(JsonNode input) {
    Set<ValidationMessage> messages = schema.validate(input);
    Map<String, SourceIssue> unique = new LinkedHashMap<>();
    for (ValidationMessage message : messages) {
      SourceIssue issue = toIssue(message);
      unique.putIfAbsent(issue.field() + "\u0000" + issue.code(), issue);
    }
    Map<String, Set<ErrorCode>> codesByField = new HashMap<>();
    for (SourceIssue issue : unique.values()) {
      codesByField
          .computeIfAbsent(issue.field(), k -> EnumSet.noneOf(ErrorCode.class))
          .add(issue.code());
    }
    List<SourceIssue> issues = new ArrayList<>();
    for (SourceIssue issue : unique.values()) {
      boolean redundant =
          issue.code() == ErrorCode.UNKNOWN_CODE
              && codesByField.get(issue.field()).stream().anyMatch(SHAPE_CODES::contains);
      if (!redundant) {
        issues.add(issue);
      }
    }
    issues.sort(
        Comparator.comparing(SourceIssue::field)
            .thenComparing(SourceIssue::code)
            .thenComparing(SourceIssue::message));
    return List.copyOf(issues);
  }

  private static SourceIssue toIssue(ValidationMessage message) {
    String type = message.getType();
    String at = path(message.getInstanceLocation());
    JsonNode rule = message.getSchemaNode();
    switch (type) {
      case "required":
        {
          String field = child(at, message.getProperty());
          return new SourceIssue(ErrorCode.REQUIRED_FIELD, field, field + ": is required");
        }
      case "additionalProperties":
      case "unevaluatedProperties":
        {
          String field = child(at, message.getProperty());
          return new SourceIssue(
              ErrorCode.UNKNOWN_FIELD, field, field + ": is not a field of this format");
        }
      case "enum":
        return new SourceIssue(
            ErrorCode.UNKNOWN_CODE, at, label(at) + "must be one of " + list(rule));
      case "const":
        return new SourceIssue(ErrorCode.INVALID_VALUE, at, label(at) + "must be " + rule);
      case "false":
        // A property schema of false (inside if/then): the other fields exclude this one.
        return new SourceIssue(
            ErrorCode.INVALID_VALUE,
            at,
            label(at) + "must be absent given the record's other fields (see the format)");
      case "format":
        {
          String format = formatName(message);
          ErrorCode code = CODE_BY_FORMAT.getOrDefault(format, ErrorCode.INVALID_VALUE);
          return new SourceIssue(
              code,
              at,
              label(at) + "fails " + RULE_BY_FORMAT.getOrDefault(format, "format " + format));
        }
      case "type":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must be of JSON type " + rule.asText());
      case "pattern":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must match the pattern " + rule.asText());
      case "minLength":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE,
            at,
            label(at) + "must have at least " + rule + " character(s)");
      case "maxLength":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must have at most " + rule + " character(s)");
      case "minItems":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must have at least " + rule + " item(s)");
      case "maxItems":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must have at most " + rule + " item(s)");
      case "minProperties":
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must have at least " + rule + " field(s)");
      case "uniqueItems":
        return new SourceIssue(ErrorCode.INVALID_VALUE, at, label(at) + "items must be unique");
      case CODE_SYSTEM_KEYWORD:
        return new SourceIssue(
            ErrorCode.UNKNOWN_CODE, at, label(at) + "is not a code of CodeSystem " + rule.asText());
      case NOT_FUTURE_KEYWORD:
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "must not be in the future");
      case CONSISTENCY_KEYWORD:
        return new SourceIssue(ErrorCode.CITIZEN_ID_CONTRADICTS, at, message.getMessage());
      case SCORE_LEVEL_KEYWORD, DATE_ORDER_KEYWORD:
        return new SourceIssue(ErrorCode.BUSINESS_RULE, at, message.getMessage());
      case CONSENT_KEYWORD:
        return new SourceIssue(ErrorCode.CONSENT_REQUIRED, at, message.getMessage());
      case ATTACHMENTS_KEYWORD:
        return new SourceIssue(errorCode(message.getCode()), at, message.getMessage());
      default:
        return new SourceIssue(
            ErrorCode.INVALID_VALUE, at, label(at) + "breaks the schema rule '" + type + "'");
    }
  }

  private static ErrorCode errorCode(String code) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    throw new IllegalStateException("No error code " + code);
  }

  private static String formatName(ValidationMessage message) {
    JsonNode node = message.getSchemaNode();
    if (node != null && node.isTextual()) {
      return node.asText();
    }
    Object[] arguments = message.getArguments();
    return arguments != null && arguments.length > 0 ? String.valueOf(arguments[0]) : "?";
  }

  /** {@code $.a.b[0].c} as {@code a.b[0].c}, the facility's own notation. */
  static String path(JsonNodePath location) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        text.append('[').append(index).append(']');
      } else {
        if (text.length() > 0) {
          text.append('.');
        }
        text.append(element);
      }
    }
    return text.toString();
  }

  private static String child(String parent, String property) {
    String name = property == null ? "?" : property;
    return parent.isEmpty() ? name : parent + "." + name;
  }

  private static String label(String field) {
    return field.isEmpty() ? "the record " : field + ": ";
  }

  private static String list(JsonNode values) {
    if (values == null || !values.isArray()) {
      return "the listed codes";
    }
    StringJoiner joiner = new StringJoiner(", ");
    values.forEach(v -> joiner.add(v.asText()));
    return joiner.toString();
  }

  private static ValidationMessage issue(
      String keyword, JsonNodePath at, JsonNode schemaNode, String message) {
    return ValidationMessage.builder()
        .type(keyword)
        .code(keyword)
        .instanceLocation(at)
        .schemaNode(schemaNode)
        .message(message.replace("{", "(").replace("}", ")"))
        .build();
  }

  /** A string format checked by a Java predicate. */
  private record CheckFormat(String name, java.util.function.Predicate<String> check)
      implements Format {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
      return check.test(value);
    }
  }

  /** Base of the gateway's keywords: one validator per schema location. */
  private abstract static class GatewayKeyword implements Keyword {
    private final String name;

    GatewayKeyword(String name) {
      this.name = name;
    }

    @Override
    public String getValue() {
      return name;
    }

    /** Builds the check or throws JsonSchemaException for a bad keyword value. */
    abstract BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema);

    @Override
    public JsonValidator newValidator(
        SchemaLocation schemaLocation,
        JsonNodePath evaluationPath,
        JsonNode schemaNode,
        JsonSchema parentSchema,
        ValidationContext validationContext) {
      BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check =
          check(schemaNode, parentSchema);
      return new AbstractJsonValidator(schemaLocation, evaluationPath, this, schemaNode) {
        @Override
        public Set<ValidationMessage> validate(
            ExecutionContext executionContext,
            JsonNode node,
            JsonNode rootNode,
            JsonNodePath instanceLocation) {
          return check.apply(node, instanceLocation).map(Set::of).orElse(Set.of());
        }
      };
    }
  }

  /** {@code "x-code-system": "<url>"}: the string must be a code of that package CodeSystem. */
  private static final class CodeSystemKeyword extends GatewayKeyword {
    private final CodeLookup codes;

    CodeSystemKeyword(CodeLookup codes) {
      super(CODE_SYSTEM_KEYWORD);
      this.codes = codes;
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      if (!schemaNode.isTextual() || !MappingFunctions.isCanonicalCodeSystem(schemaNode.asText())) {
        throw new JsonSchemaException(
            CODE_SYSTEM_KEYWORD
                + " must name a CodeSystem URL of org.yiyang.profiles.Canonical (CS_*), got "
                + schemaNode);
      }
      String system = schemaNode.asText();
      return (node, at) ->
          node.isTextual() && !codes.hasCode(system, node.asText())
              ? Optional.of(issue(CODE_SYSTEM_KEYWORD, at, schemaNode, "unknown code"))
              : Optional.empty();
    }
  }

  /** {@code "x-not-future": true}: a date that is not after today. */
  private static final class NotFutureKeyword extends GatewayKeyword {
    NotFutureKeyword() {
      super(NOT_FUTURE_KEYWORD);
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      if (!schemaNode.isBoolean()) {
        throw new JsonSchemaException(NOT_FUTURE_KEYWORD + " must be true or false");
      }
      if (!schemaNode.asBoolean()) {
        return (node, at) -> Optional.empty();
      }
      return (node, at) -> {
        Optional<LocalDate> date = parseDate(node);
        return date.isPresent() && date.get().isAfter(LocalDate.now(CHINA))
            ? Optional.of(issue(NOT_FUTURE_KEYWORD, at, schemaNode, "in the future"))
            : Optional.empty();
      };
    }
  }

  /**
   * {@code "x-citizen-id-consistency": {"id": "idCardNo", "birthDate": "birthDate", "sex":
   * "genderCode"}}: birth date and sex in the citizen ID agree with the record. Sex codes other
   * than 1 and 2 (0 unknown, 9 not stated) contradict nothing.
   */
  private static final class ConsistencyKeyword extends GatewayKeyword {
    ConsistencyKeyword() {
      super(CONSISTENCY_KEYWORD);
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      String idField = schemaNode.path("id").asText(null);
      String birthField = schemaNode.path("birthDate").asText(null);
      String sexField = schemaNode.path("sex").asText(null);
      JsonNode properties = parentSchema.getSchemaNode().path("properties");
      for (String field : new String[] {idField, birthField, sexField}) {
        if (field != null && !properties.has(field)) {
          throw new JsonSchemaException(
              CONSISTENCY_KEYWORD + " names " + field + ", which is not in properties");
        }
      }
      if (idField == null || (birthField == null && sexField == null)) {
        throw new JsonSchemaException(
            CONSISTENCY_KEYWORD + " needs id and at least one of birthDate, sex");
      }
      return (node, at) -> {
        JsonNode idNode = node.path(idField);
        String id = idNode.isTextual() ? idNode.asText() : null;
        if (!node.isObject() || id == null || !CitizenId.isValid(id)) {
          return Optional.empty();
        }
        List<String> contradictions = new ArrayList<>();
        if (birthField != null) {
          Optional<LocalDate> recorded = parseDate(node.path(birthField));
          if (recorded.isPresent() && !recorded.equals(CitizenId.birthDate(id))) {
            contradictions.add(
                "the birth date encoded in the number contradicts " + birthField + " (GB 11643)");
          }
        }
        if (sexField != null) {
          JsonNode sexNode = node.path(sexField);
          String sex = sexNode.isTextual() ? sexNode.asText() : null;
          if (("1".equals(sex) || "2".equals(sex)) && !CitizenId.gbSexCode(id).get().equals(sex)) {
            contradictions.add(
                "the sex encoded in the number (odd 1 male, even 2 female) contradicts "
                    + sexField
                    + " (GB 11643)");
          }
        }
        if (contradictions.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(
            issue(
                CONSISTENCY_KEYWORD,
                at.append(idField),
                schemaNode,
                path(at.append(idField)) + ": " + String.join("; ", contradictions)));
      };
    }
  }

  /**
   * {@code "x-score-level"} on an object: the total score equals the sum of its parts ({@code
   * sumOf}, optional) and the level agrees with the score. {@code bands} list the levels in order,
   * each with its inclusive score range; when any {@code raiseOneWhen} condition holds (a field
   * {@code equals} a value, or is an integer {@code atLeast} a bound) the level is the next band's,
   * capped at the last. Reported on the score (wrong sum) or on the level (contradiction), once;
   * skipped while a field has the wrong type, which the type rules already report.
   */
  private static final class ScoreLevelKeyword extends GatewayKeyword {
    ScoreLevelKeyword() {
      super(SCORE_LEVEL_KEYWORD);
    }

    private record Band(int min, int max, String level) {}

    private record Raise(String field, JsonNode equals, Integer atLeast) {
      boolean holds(JsonNode record) {
        JsonNode value = record.path(field);
        if (equals != null) {
          return value.equals(equals);
        }
        return value.isIntegralNumber() && value.asInt() >= atLeast;
      }
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      JsonNode properties = parentSchema.getSchemaNode().path("properties");
      String scoreField = field(schemaNode, "score", properties);
      String levelField = field(schemaNode, "level", properties);
      List<String> parts = new ArrayList<>();
      for (JsonNode part : schemaNode.path("sumOf")) {
        parts.add(requireProperty(part.asText(null), properties));
      }
      List<Band> bands = new ArrayList<>();
      for (JsonNode band : schemaNode.path("bands")) {
        if (!band.path("min").isInt()
            || !band.path("max").isInt()
            || !band.path("level").isTextual()
            || band.path("min").asInt() > band.path("max").asInt()) {
          throw new JsonSchemaException(
              SCORE_LEVEL_KEYWORD + ": each band needs integer min <= max and a string level");
        }
        bands.add(
            new Band(band.get("min").asInt(), band.get("max").asInt(), band.get("level").asText()));
      }
      if (bands.isEmpty()) {
        throw new JsonSchemaException(SCORE_LEVEL_KEYWORD + " needs at least one band");
      }
      List<Raise> raises = new ArrayList<>();
      for (JsonNode raise : schemaNode.path("raiseOneWhen")) {
        String field = requireProperty(raise.path("field").asText(null), properties);
        JsonNode equals = raise.get("equals");
        JsonNode atLeast = raise.get("atLeast");
        if ((equals == null) == (atLeast == null) || (atLeast != null && !atLeast.isInt())) {
          throw new JsonSchemaException(
              SCORE_LEVEL_KEYWORD + ": raise condition on " + field + " needs equals or atLeast");
        }
        raises.add(new Raise(field, equals, atLeast == null ? null : atLeast.asInt()));
      }
      Set<String> levels = new HashSet<>();
      bands.forEach(b -> levels.add(b.level()));
      String rule = describe(scoreField, raises);
      return (node, at) -> {
        JsonNode score = node.path(scoreField);
        if (!node.isObject() || !score.isIntegralNumber()) {
          return Optional.empty();
        }
        int sum = 0;
        boolean allParts = !parts.isEmpty();
        for (String part : parts) {
          JsonNode value = node.path(part);
          if (!value.isIntegralNumber()) {
            allParts = false;
            break;
          }
          sum += value.asInt();
        }
        if (allParts && sum != score.asInt()) {
          JsonNodePath where = at.append(scoreField);
          return Optional.of(
              issue(
                  SCORE_LEVEL_KEYWORD,
                  where,
                  schemaNode,
                  path(where) + ": must equal the sum of " + String.join(", ", parts)));
        }
        JsonNode level = node.path(levelField);
        int band = -1;
        for (int i = 0; i < bands.size(); i++) {
          if (score.asInt() >= bands.get(i).min() && score.asInt() <= bands.get(i).max()) {
            band = i;
            break;
          }
        }
        if (!level.isTextual() || band < 0 || !levels.contains(level.asText())) {
          // A score outside every band is a range error that minimum/maximum report; a level that
          // is no band's level is an unknown code that enum / x-code-system report.
          return Optional.empty();
        }
        boolean raised = raises.stream().anyMatch(r -> r.holds(node));
        String expected = bands.get(Math.min(band + (raised ? 1 : 0), bands.size() - 1)).level();
        if (expected.equals(level.asText())) {
          return Optional.empty();
        }
        JsonNodePath where = at.append(levelField);
        return Optional.of(
            issue(SCORE_LEVEL_KEYWORD, where, schemaNode, path(where) + ": contradicts " + rule));
      };
    }

    private static String describe(String scoreField, List<Raise> raises) {
      StringBuilder rule = new StringBuilder(scoreField + " (the level of its score band");
      if (!raises.isEmpty()) {
        StringJoiner when = new StringJoiner(" or ");
        for (Raise raise : raises) {
          when.add(
              raise.equals() != null
                  ? raise.field() + " = " + raise.equals()
                  : raise.field() + " >= " + raise.atLeast());
        }
        rule.append(", one level higher when ").append(when).append(", capped at the highest");
      }
      return rule.append(')').toString();
    }

    private static String field(JsonNode schemaNode, String name, JsonNode properties) {
      return requireProperty(schemaNode.path(name).asText(null), properties);
    }

    private static String requireProperty(String field, JsonNode properties) {
      if (field == null || !properties.has(field)) {
        throw new JsonSchemaException(
            SCORE_LEVEL_KEYWORD + " names " + field + ", which is not in properties");
      }
      return field;
    }
  }

  /**
   * {@code "x-date-order": {"from": "start", "to": "end"}} on an object: the date in {@code to} is
   * not before the date in {@code from} (a period's end, a death after the admission). Reported on
   * {@code to}; skipped while either is missing or not a date, which other rules report.
   */
  private static final class DateOrderKeyword extends GatewayKeyword {
    DateOrderKeyword() {
      super(DATE_ORDER_KEYWORD);
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      JsonNode properties = parentSchema.getSchemaNode().path("properties");
      String from = schemaNode.path("from").asText(null);
      String to = schemaNode.path("to").asText(null);
      for (String field : new String[] {from, to}) {
        if (field == null || !properties.has(field)) {
          throw new JsonSchemaException(
              DATE_ORDER_KEYWORD + " needs from and to naming fields in properties, got " + field);
        }
      }
      return (node, at) -> {
        Optional<LocalDate> first = parseDate(node.path(from));
        Optional<LocalDate> last = parseDate(node.path(to));
        if (first.isEmpty() || last.isEmpty() || !last.get().isBefore(first.get())) {
          return Optional.empty();
        }
        JsonNodePath where = at.append(to);
        return Optional.of(
            issue(
                DATE_ORDER_KEYWORD,
                where,
                schemaNode,
                path(where) + ": must not be before " + path(at.append(from))));
      };
    }
  }

  /** A field a keyword names, which must be one of the schema's properties. */
  private static String named(String keyword, String field, JsonNode properties) {
    if (field == null || !properties.has(field)) {
      throw new JsonSchemaException(keyword + " names " + field + ", which is not in properties");
    }
    return field;
  }

  private static Optional<LocalDate> parseDate(JsonNode node) {
    if (!node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(node.asText()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code "x-consent": {"field": "consent", "anyOf": ["reference", "formNo"]}}: the resident's
   * consent is there and names its evidence. A consent of the wrong JSON type is left to the type
   * rules.
   */
  private static final class ConsentKeyword extends GatewayKeyword {
    ConsentKeyword() {
      super(CONSENT_KEYWORD);
    }

    @Override
    BiFunction<JsonNode, JsonNodePath, Optional<ValidationMessage>> check(
        JsonNode schemaNode, JsonSchema parentSchema) {
      JsonNode properties = parentSchema.getSchemaNode().path("properties");
      String field = named(CONSENT_KEYWORD, schemaNode.path("field").asText(null), properties);
      List<String> anyOf = new ArrayList<>();
      JsonNode evidence = properties.path(field).path("properties");
      for (JsonNode name : schemaNode.path("anyOf")) {
        anyOf.add(named(CONSENT_KEYWORD, name.asText(null), evidence));
      }
      if (anyOf.isEmpty()) {
        throw new JsonSchemaException(CONSENT_KEYWORD + " needs anyOf: the fields of the evidence");
      }
      String rule =
          "is required: the resident's consent (知情同意), with "
              + String.join(" or ", anyOf.stream().map(n -> field + "." + n).toList());
      return (node, at) -> {
        if (!node.isObject()) {
          return Optional.empty();
        }
        JsonNode consent = node.get(field);
        if (consent != null && !consent.isObject()) {
          return Optional.empty();
        }
        boolean given = consent != null && anyOf.stream().anyMatch(consent::hasNonNull);
        JsonNodePath where = at.append(field);
        return given
            ? Optional.empty()
            : Optional.of(issue(CONSENT_KEYWORD, where, schemaNode, path(where) + ": " + rule));
      };
    }
  }

  /**
   * {@code "x-attachments"} on an array: every attachment carrying data is checked against the
   * policy in one streaming pass (see the class comment); several issues may come of one array.
   */
  private static final class AttachmentsKeyword implements Keyword {
    private final AttachmentPolicy policy;

    AttachmentsKeyword(AttachmentPolicy policy) {
      this.policy = policy;
    }

    @Override
    public String getValue() {
      return ATTACHMENTS_KEYWORD;
    }

    @Override
    public JsonValidator newValidator(
        SchemaLocation schemaLocation,
        JsonNodePath evaluationPath,
        JsonNode schemaNode,
        JsonSchema parentSchema,
        ValidationContext validationContext) {
      JsonNode items = parentSchema.getSchemaNode().path("items").path("properties");
      String data = named(ATTACHMENTS_KEYWORD, schemaNode.path("data").asText(null), items);
      String type = named(ATTACHMENTS_KEYWORD, schemaNode.path("contentType").asText(null), items);
      String size = named(ATTACHMENTS_KEYWORD, schemaNode.path("size").asText(null), items);
      String sha256 = named(ATTACHMENTS_KEYWORD, schemaNode.path("sha256").asText(null), items);
      return new AbstractJsonValidator(schemaLocation, evaluationPath, this, schemaNode) {
        @Override
        public Set<ValidationMessage> validate(
            ExecutionContext executionContext,
            JsonNode node,
            JsonNode rootNode,
            JsonNodePath instanceLocation) {
          if (!node.isArray()) {
            return Set.of();
          }
          Set<ValidationMessage> issues = new java.util.LinkedHashSet<>();
          long total = 0;
          for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            JsonNodePath at = instanceLocation.append(i);
            if (!item.isObject() || !item.path(data).isTextual()) {
              continue;
            }
            String declaredType = item.path(type).asText("").toLowerCase(java.util.Locale.ROOT);
            if (item.path(type).isTextual() && !policy.contentTypes().contains(declaredType)) {
              issues.add(
                  attachmentIssue(
                      ErrorCode.ATTACHMENT_TYPE,
                      at.append(type),
                      "must be one of the allowed types (gateway.attachments.allowed-types; by"
                          + " default PDF, JPEG and PNG)"));
            }
            Base64Text.Digest digest;
            try {
              digest = Base64Text.digest(item.get(data).textValue(), policy.maxBytes());
            } catch (java.io.IOException notBase64) {
              issues.add(
                  attachmentIssue(ErrorCode.INVALID_VALUE, at.append(data), "must be base64"));
              continue;
            }
            if (digest.size() > policy.maxBytes()) {
              issues.add(
                  attachmentIssue(
                      ErrorCode.PAYLOAD_TOO_LARGE,
                      at.append(data),
                      "must decode to at most " + policy.maxBytes() + " bytes"));
              total += digest.size();
              continue;
            }
            total += digest.size();
            JsonNode declaredSize = item.path(size);
            if (declaredSize.isIntegralNumber() && declaredSize.asLong() != digest.size()) {
              issues.add(
                  attachmentIssue(
                      ErrorCode.ATTACHMENT_INTEGRITY,
                      at.append(size),
                      "does not match the number of bytes in " + data));
            }
            JsonNode declaredHash = item.path(sha256);
            if (declaredHash.isTextual()
                && declaredHash.asText().matches("^[0-9a-f]{64}$")
                && !java.util.HexFormat.of()
                    .formatHex(digest.sha256())
                    .equals(declaredHash.asText())) {
              issues.add(
                  attachmentIssue(
                      ErrorCode.ATTACHMENT_INTEGRITY,
                      at.append(sha256),
                      "does not match the SHA-256 of the bytes in " + data));
            }
            List<byte[]> magic = AttachmentPolicy.MAGIC.get(declaredType);
            if (policy.contentTypes().contains(declaredType)
                && magic != null
                && magic.stream().noneMatch(m -> startsWith(digest.head(), m))) {
              issues.add(
                  attachmentIssue(
                      ErrorCode.ATTACHMENT_TYPE,
                      at.append(data),
                      "the bytes are not of the type declared in " + type));
            }
          }
          if (total > policy.maxTotalBytes()) {
            issues.add(
                attachmentIssue(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    instanceLocation,
                    "must decode to at most " + policy.maxTotalBytes() + " bytes together"));
          }
          return issues;
        }

        private ValidationMessage attachmentIssue(ErrorCode code, JsonNodePath at, String rule) {
          return ValidationMessage.builder()
              .type(ATTACHMENTS_KEYWORD)
              .code(code.code())
              .instanceLocation(at)
              .schemaNode(schemaNode)
              .message((path(at) + ": " + rule).replace("{", "(").replace("}", ")"))
              .build();
        }
      };
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
      if (head.length < magic.length) {
        return false;
      }
      for (int i = 0; i < magic.length; i++) {
        if (head[i] != magic[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
