package org.yiyang.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.RegionalValidator;

/**
 * Property test of the reverse mappings (issue 26): for every to-FHIR golden case, the FHIR the
 * mapping wrote is varied into other valid R4 shapes that carry the same information — the shapes a
 * regional platform, another writer or the server itself produce — and the reverse mapping must
 * give back the same facility record (minus {@link RoundTripTest#NOT_CARRIED}). Each variant is
 * checked to be valid base R4 by the gateway's validator, so the generator cannot cheat with
 * invalid FHIR.
 *
 * <p>Variants of every resource: server metadata and tags, a generated narrative, foreign
 * extensions, reordered identifiers and codings, absolute server references, reordered searchset
 * entries. Of a Patient in addition: a name without {@code use} or given only as {@code family} +
 * {@code given}, extra names of other uses, the phone under any {@code use} with other ranked and
 * unranked numbers, other addresses, former resident numbers of ended stays, the citizen ID and the
 * GB code lists under the package's former URIs, no GB sex or marital coding where the FHIR code
 * reverses exactly, another organization managing it. Seeds are fixed: a failure names its seed.
 */
class ReverseMappingVariantsTest {

  private static final int VARIANTS_PER_CASE = 30;
  private static final AtomicInteger CHECKED = new AtomicInteger();
  private static final AtomicInteger LOSSES = new AtomicInteger();

  @TestFactory
  Stream<DynamicTest> everyVariantReadsBackWithoutLoss() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Cases.Case c : Cases.toFhirSuccesses()) {
      for (int seed = 0; seed < VARIANTS_PER_CASE; seed++) {
        int s = seed;
        tests.add(DynamicTest.dynamicTest(c + " seed " + s, () -> check(c, s)));
      }
    }
    return tests.stream();
  }

  @AfterAll
  static void report() {
    System.out.printf(
        "Reverse-mapping variants: %d checked, %d losses%n", CHECKED.get(), LOSSES.get());
  }

  private void check(Cases.Case c, int seed) throws Exception {
    MappingCatalog catalog = Cases.catalog();
    JsonNode record = c.input();
    JsonNode bundle = catalog.get(c.mappingId()).checkAndApply(record);
    boolean resident = c.mappingId().equals("resident-to-patient");
    JsonNode stored = resident ? RoundTripTest.storedPatient(bundle) : Cases.searchset(bundle);
    Random random = new Random(31L * c.toString().hashCode() + seed);
    JsonNode variant =
        resident ? patientVariant(stored, record, random) : searchsetVariant(stored, random);
    requireValidR4(variant);

    JsonNode back = catalog.get(Cases.pairOf(c.mappingId())).checkAndApply(variant);
    catalog.requireComplete(Cases.pairOf(c.mappingId()), back);
    ObjectNode expected = RoundTripTest.expected(c.mappingId(), record);
    ObjectNode actual = RoundTripTest.comparable(c.mappingId(), back);
    CHECKED.incrementAndGet();
    if (!actual.equals(expected)) {
      LOSSES.incrementAndGet();
    }
    assertThat(actual)
        .as("%s seed %d, variant:%n%s", c, seed, Cases.pretty(variant))
        .isEqualTo(expected);
  }

  // ---- variants of any resource ----------------------------------------------------------

  private static JsonNode searchsetVariant(JsonNode searchset, Random random) {
    ObjectNode out = searchset.deepCopy();
    ArrayNode entries = (ArrayNode) out.path("entry");
    for (JsonNode entry : entries) {
      ObjectNode resource = (ObjectNode) entry.get("resource");
      anyResource(resource, random);
    }
    shuffle(entries, random);
    return out;
  }

  /** What any writer or server may add or reorder without changing what a resource says. */
  private static void anyResource(ObjectNode resource, Random random) {
    ObjectNode meta = resource.with("meta");
    meta.put("versionId", String.valueOf(1 + random.nextInt(9)));
    meta.put(
        "lastUpdated",
        "2025-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(9) + "T08:00:00.000+08:00");
    if (random.nextBoolean()) {
      meta.put("source", "#platform-" + random.nextInt(1000));
    }
    if (random.nextBoolean()) {
      meta.withArray("tag")
          .addObject()
          .put("system", "https://platform.example/tags")
          .put("code", "imported");
    }
    // A Binary is a plain Resource: it has neither narrative nor extensions.
    boolean domain = !"Binary".equals(resource.path("resourceType").asText());
    if (domain && random.nextBoolean()) {
      ObjectNode text = resource.putObject("text");
      text.put("status", "generated");
      text.put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">record</div>");
    }
    if (domain && random.nextBoolean()) {
      ArrayNode extensions = resource.withArray("extension");
      ObjectNode foreign = JsonNodeFactoryHolder.object();
      foreign.put("url", "https://platform.example/StructureDefinition/imported-from");
      foreign.put("valueString", "chc-" + random.nextInt(100));
      extensions.insert(random.nextInt(extensions.size() + 1), foreign);
    }
    if (resource.path("identifier").isArray() && random.nextBoolean()) {
      shuffle((ArrayNode) resource.get("identifier"), random);
    }
    reorderCodings(resource, random);
    absoluteReferences(resource, random);
  }

  private static void reorderCodings(JsonNode node, Random random) {
    if (node instanceof ObjectNode object
        && object.path("coding").isArray()
        && object.path("coding").size() > 1
        && random.nextBoolean()) {
      shuffle((ArrayNode) object.get("coding"), random);
    }
    node.forEach(child -> reorderCodings(child, random));
  }

  /** A server may answer references as absolute URLs of itself. */
  private static void absoluteReferences(JsonNode node, Random random) {
    if (node instanceof ObjectNode object
        && object.path("reference").isTextual()
        && object.get("reference").asText().matches("^[A-Z][A-Za-z]+/[A-Za-z0-9.-]+$")
        && random.nextInt(3) == 0) {
      object.put("reference", "http://fhir.example/fhir/" + object.get("reference").asText());
    }
    node.forEach(child -> absoluteReferences(child, random));
  }

  // ---- variants of a resident's Patient --------------------------------------------------

  private static JsonNode patientVariant(JsonNode stored, JsonNode record, Random random) {
    ObjectNode p = stored.deepCopy();
    anyResource(p, random);
    names(p, record, random);
    phones(p, random);
    addresses(p, random);
    identifiers(p, random);
    codeLists(p, random);
    if (random.nextInt(3) == 0) {
      p.remove("managingOrganization");
    } else if (random.nextInt(3) == 0) {
      p.putObject("managingOrganization")
          .put("reference", "Organization/chc-7")
          .put("display", "社区卫生服务中心");
    }
    return p;
  }

  private static void names(ObjectNode p, JsonNode record, Random random) {
    ArrayNode names = (ArrayNode) p.get("name");
    ObjectNode official = (ObjectNode) names.get(0);
    String whole = record.path("name").asText();
    boolean parts = record.has("familyName") || record.has("givenName");
    String joined = record.path("familyName").asText("") + record.path("givenName").asText("");
    int shape = random.nextInt(4);
    if (shape == 1) {
      official.remove("use");
    } else if (shape == 2) {
      official.put("use", "usual");
    } else if (shape == 3 && parts && joined.equals(whole) && record.has("familyName")) {
      // Base R4 as a platform writes it: the parts, no text (family first, no space between).
      official.remove("text");
      official.remove("use");
    }
    if (random.nextBoolean()) {
      ObjectNode nickname = JsonNodeFactoryHolder.object();
      nickname.put("use", random.nextBoolean() ? "nickname" : "old");
      nickname.put("text", "小" + whole.substring(whole.length() - 1));
      names.insert(random.nextInt(names.size() + 1), nickname);
    }
    if (random.nextInt(3) == 0 && !"official".equals(official.path("use").asText())) {
      // A maiden name after it: ranked below whatever use the record's name has.
      names.addObject().put("use", "maiden").put("text", "曾用名");
    }
  }

  private static void phones(ObjectNode p, Random random) {
    if (!p.has("telecom")) {
      if (random.nextBoolean()) {
        p.putArray("telecom").addObject().put("system", "email").put("value", "family@example.org");
      }
      return;
    }
    ArrayNode telecom = (ArrayNode) p.get("telecom");
    ObjectNode mine = (ObjectNode) telecom.get(0);
    String[] uses = {"mobile", "home", "work", null, "temp"};
    String use = uses[random.nextInt(uses.length)];
    if (use == null) {
      mine.remove("use");
    } else {
      mine.put("use", use);
    }
    // Other numbers never outrank the record's (rank 1): ranked lower, or unranked.
    if (random.nextBoolean()) {
      ObjectNode other = JsonNodeFactoryHolder.object();
      other.put("system", "phone").put("value", "0577-8800" + (1000 + random.nextInt(8999)));
      other.put("use", random.nextBoolean() ? "home" : "mobile");
      if (random.nextBoolean()) {
        other.put("rank", 2 + random.nextInt(3));
      }
      telecom.insert(random.nextInt(telecom.size() + 1), other);
    }
    if (random.nextBoolean()) {
      telecom.addObject().put("system", "email").put("value", "family@example.org").put("rank", 1);
    }
  }

  private static void addresses(ObjectNode p, Random random) {
    if (!p.has("address")) {
      return;
    }
    ArrayNode addresses = (ArrayNode) p.get("address");
    if (random.nextBoolean()) {
      ObjectNode work = JsonNodeFactoryHolder.object();
      work.put("use", random.nextBoolean() ? "work" : "old");
      work.put("text", "温州市鹿城区某单位");
      addresses.insert(random.nextInt(addresses.size() + 1), work);
    }
    if (random.nextBoolean()) {
      addresses.addObject().put("use", "billing").put("city", "杭州市");
    }
  }

  private static void identifiers(ObjectNode p, Random random) {
    ArrayNode ids = (ArrayNode) p.get("identifier");
    if (random.nextBoolean()) {
      ObjectNode old = JsonNodeFactoryHolder.object();
      old.put("use", "old");
      old.putObject("type")
          .putArray("coding")
          .addObject()
          .put("system", Canonical.CS_IDENTIFIER_TYPE)
          .put("code", "resident-no");
      old.put("system", Canonical.residentNoSystem("52330300MJ8754321M"));
      old.put("value", "A-" + random.nextInt(100));
      ids.insert(random.nextInt(ids.size() + 1), old);
    }
    if (random.nextBoolean()) {
      ids.addObject()
          .put("system", "https://chc.example/patient-no")
          .put("value", "C" + random.nextInt(9999));
    }
    if (random.nextInt(3) == 0) {
      for (JsonNode id : ids) {
        if (Canonical.SID_CITIZEN_ID.equals(id.path("system").asText())) {
          ((ObjectNode) id).put("system", Canonical.SID_CITIZEN_ID_ALIAS);
        }
      }
    }
  }

  private static void codeLists(ObjectNode p, Random random) {
    // The GB codings inside the package's extensions stay on the national systems: under the
    // former URIs the extensions' required bindings fail, so that is not a valid variant of today
    // (the golden case 11-edge-stored-under-former-systems reads it all the same).
    boolean aliases = random.nextInt(3) == 0;
    JsonNode marital = p.path("maritalStatus").path("coding");
    if (aliases) {
      marital.forEach(c -> alias((ObjectNode) c));
    }
    // Without the GB coding the v3 code reverses exactly for 10, 20, 30, 40 and 90 only.
    if (marital.isArray() && random.nextBoolean()) {
      ArrayNode codings = (ArrayNode) marital;
      for (int i = 0; i < codings.size(); i++) {
        JsonNode c = codings.get(i);
        String system = c.path("system").asText();
        boolean gb =
            system.equals(Canonical.CS_GB_MARITAL) || system.equals(Canonical.CS_GB_MARITAL_ALIAS);
        if (gb && List.of("10", "20", "30", "40", "90").contains(c.path("code").asText())) {
          codings.remove(i);
          break;
        }
      }
    }
    // Without the GB sex extension, gender reverses exactly for male (1) and female (2).
    ArrayNode extensions = p.withArray("extension");
    if (random.nextBoolean()) {
      for (int i = 0; i < extensions.size(); i++) {
        JsonNode e = extensions.get(i);
        if (Canonical.EXT_GB_SEX.equals(e.path("url").asText())
            && List.of("1", "2").contains(e.path("valueCoding").path("code").asText())) {
          extensions.remove(i);
          break;
        }
      }
    }
  }

  private static void alias(ObjectNode coding) {
    if (coding.path("system").asText().equals(Canonical.CS_GB_MARITAL)) {
      coding.put("system", Canonical.CS_GB_MARITAL_ALIAS);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Every variant is valid R4: parsed strictly, and no error from the validator on base R4. */
  private static void requireValidR4(JsonNode variant) {
    List<JsonNode> resources = new ArrayList<>();
    if ("Bundle".equals(variant.path("resourceType").asText())) {
      variant.path("entry").forEach(e -> resources.add(e.get("resource")));
    } else {
      resources.add(variant);
    }
    for (JsonNode json : resources) {
      ObjectNode unprofiled = json.deepCopy();
      unprofiled.with("meta").remove("profile");
      Resource resource = (Resource) Cases.parse(unprofiled);
      assertThat(RegionalValidator.shared().errors(resource))
          .as("the variant is valid R4: %s", Cases.pretty(unprofiled))
          .isEmpty();
    }
  }

  private static void shuffle(ArrayNode array, Random random) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    java.util.Collections.shuffle(items, random);
    array.removeAll();
    items.forEach(array::add);
  }

  private static final class JsonNodeFactoryHolder {
    static ObjectNode object() {
      return Cases.JSON.createObjectNode();
    }
  }
}
