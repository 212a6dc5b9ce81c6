package org.yiyang.profiles.validation;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;
import org.yiyang.profiles.Fhir;

/**
 * A deterministic corpus of valid and invalid Patients, Organizations, ability-level Observations
 * and transaction Bundles, derived from the package examples by varying values and breaking one
 * rule at a time. Same seed, same corpus.
 */
final class VerdictCorpus {

  /** One generated resource: a name saying how it was made, and the parsed resource. */
  record Item(String name, IBaseResource resource) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] ID_WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String ID_CHECK = "10X98765432";
  private static final String[] DIVISIONS = {
    "330302", "330303", "330304", "110101", "310104", "440103", "510104", "330100", "330000"
  };
  private static final String[] MARITAL = {"10", "20", "30", "40", "90"};
  private static final String[] MODES = {"residential", "day-care", "home-based"};
  private static final String[] GROUPS = {
    "extreme-poverty", "minimum-living-allowance", "family-planning-special"
  };

  private final Random random;

  /** Lenient about values, like a parser facing outside data: bad values reach the validator. */
  private final IParser parser =
      Fhir.r4()
          .newJsonParser()
          .setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));

  private final ObjectNode patient;
  private final ObjectNode organization;
  private final ObjectNode observation;

  VerdictCorpus(long seed) {
    this.random = new Random(seed);
    Map<String, IBaseResource> examples = ConformancePackage.load().examplesByFile();
    this.patient = tree(examples.get("Patient-example-resident.json"));
    this.organization = tree(examples.get("Organization-example-facility.json"));
    this.observation = tree(examples.get("Observation-example-ability-level.json"));
  }

  /** {@code patients + organizations + observations + bundles} items, about a third invalid. */
  List<Item> generate(int patients, int organizations, int observations, int bundles) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < patients; i++) {
      items.add(item("Patient", i, patient(i)));
    }
    for (int i = 0; i < organizations; i++) {
      items.add(item("Organization", i, organization(i)));
    }
    for (int i = 0; i < observations; i++) {
      items.add(item("Observation", i, observation(i)));
    }
    for (int i = 0; i < bundles; i++) {
      ObjectNode bundle = JSON.createObjectNode();
      bundle.put("resourceType", "Bundle");
      bundle.put("type", "transaction");
      ArrayNode entries = bundle.putArray("entry");
      Named p = patient(i);
      Named o = organization(i);
      entry(entries, o.json, "POST", "Organization");
      entry(entries, p.json, "PUT", "Patient/" + p.json.path("id").asText());
      String name = p.name + "+" + o.name;
      if (i % 2 == 0) {
        Named obs = observation(i);
        entry(entries, obs.json, "POST", "Observation");
        name += "+" + obs.name;
      }
      items.add(item("Bundle", i, new Named(name, bundle)));
    }
    return items;
  }

  private record Named(String name, ObjectNode json) {}

  private Item item(String type, int i, Named named) {
    IBaseResource parsed = parser.parseResource(named.json.toString());
    return new Item(type + "#" + i + " " + named.name, parsed);
  }

  private static void entry(ArrayNode entries, ObjectNode resource, String method, String url) {
    ObjectNode entry = entries.addObject();
    entry.put(
        "fullUrl", "urn:uuid:" + java.util.UUID.nameUUIDFromBytes(resource.toString().getBytes()));
    entry.set("resource", resource);
    entry.putObject("request").put("method", method).put("url", url);
  }

  private Named patient(int i) {
    ObjectNode p = patient.deepCopy();
    boolean female = random.nextBoolean();
    int year = 1925 + random.nextInt(36);
    String birth =
        String.format("%d-%02d-%02d", year, 1 + random.nextInt(12), 1 + random.nextInt(28));
    String division = DIVISIONS[random.nextInt(DIVISIONS.length)];
    String idCard = citizenId(division, birth.replace("-", ""), female);
    p.put("id", "res-" + Integer.toHexString(0x100000 + i));
    p.put("gender", female ? "female" : "male");
    p.put("birthDate", birth);
    extension(p, Canonical.EXT_GB_SEX).with("valueCoding").put("code", female ? "2" : "1");
    extension(p, Canonical.EXT_ETHNICITY)
        .with("valueCoding")
        .put("code", String.format("%02d", 1 + random.nextInt(56)));
    extension(p, Canonical.EXT_SPECIAL_GROUP)
        .with("valueCoding")
        .put("code", GROUPS[random.nextInt(GROUPS.length)]);
    ObjectNode service = extension(p, Canonical.EXT_ELDERCARE_SERVICE);
    ((ObjectNode) service.path("extension").get(0).path("valueCoding"))
        .put("code", MODES[random.nextInt(MODES.length)]);
    ((ObjectNode) p.path("identifier").get(0)).put("value", idCard);
    ((ObjectNode) p.path("identifier").get(1)).put("value", "R" + (10000 + i));
    ((ObjectNode) p.path("address").get(0).path("extension").get(0).path("valueCoding"))
        .put("code", division);
    ((ObjectNode) p.path("maritalStatus").path("coding").get(0))
        .put("code", MARITAL[random.nextInt(MARITAL.length)]);
    ((ObjectNode) p.path("telecom").get(0))
        .put("value", "138" + (10000000 + random.nextInt(89999999)));
    return breakOne(p, patientBreaks(idCard));
  }

  private List<Break> patientBreaks(String idCard) {
    return List.of(
        new Break("no-birthDate", p -> p.remove("birthDate")),
        new Break("no-gender", p -> p.remove("gender")),
        new Break("bad-gender-code", p -> p.put("gender", "femalex")),
        new Break("bad-birthDate-format", p -> p.put("birthDate", "1943/05/12")),
        new Break(
            "citizen-id-lower-x",
            p ->
                ((ObjectNode) p.path("identifier").get(0))
                    .put("value", idCard.substring(0, 17) + "x")),
        new Break(
            "citizen-id-17-digits",
            p -> ((ObjectNode) p.path("identifier").get(0)).put("value", idCard.substring(0, 17))),
        new Break(
            "unknown-ethnicity",
            p -> extension(p, Canonical.EXT_ETHNICITY).with("valueCoding").put("code", "57")),
        new Break(
            "unknown-division",
            p ->
                ((ObjectNode) p.path("address").get(0).path("extension").get(0).path("valueCoding"))
                    .put("code", "339999")),
        new Break(
            "unknown-marital",
            p -> ((ObjectNode) p.path("maritalStatus").path("coding").get(0)).put("code", "50")),
        new Break("no-resident-no", p -> ((ArrayNode) p.path("identifier")).remove(1)),
        new Break("no-service", p -> removeExtension(p, Canonical.EXT_ELDERCARE_SERVICE)),
        new Break(
            "unknown-service-mode",
            p ->
                ((ObjectNode)
                        extension(p, Canonical.EXT_ELDERCARE_SERVICE)
                            .path("extension")
                            .get(0)
                            .path("valueCoding"))
                    .put("code", "boarding")),
        new Break("no-facility", p -> p.remove("managingOrganization")),
        new Break("active-as-string", p -> p.put("active", "yes")),
        new Break(
            "bad-telecom-system",
            p -> ((ObjectNode) p.path("telecom").get(0)).put("system", "pager2")),
        new Break(
            "unknown-profile",
            p ->
                ((ArrayNode) p.path("meta").path("profile"))
                    .set(0, JSON.getNodeFactory().textNode(Canonical.SD + "yy-no-such-profile"))),
        new Break(
            "unknown-special-group",
            p -> extension(p, Canonical.EXT_SPECIAL_GROUP).with("valueCoding").put("code", "vip")),
        new Break(
            "sex-ext-wrong-type",
            p -> {
              ObjectNode ext = extension(p, Canonical.EXT_GB_SEX);
              ext.remove("valueCoding");
              ext.put("valueString", "2");
            }));
  }

  private Named organization(int i) {
    ObjectNode o = organization.deepCopy();
    o.put("id", "org-" + i);
    o.put("name", "养老机构" + i);
    ((ObjectNode) o.path("extension").get(0)).put("valueUnsignedInt", 20 + random.nextInt(500));
    boolean clinic = random.nextInt(4) == 0;
    ((ObjectNode) o.path("type").get(0).path("coding").get(0))
        .put("code", clinic ? "medical-institution" : "eldercare-facility")
        .remove("display");
    return breakOne(
        o,
        List.of(
            new Break(
                "uscc-letter-I",
                x -> ((ObjectNode) x.path("identifier").get(0)).put("value", "52330300MJ8712345I")),
            new Break(
                "uscc-short",
                x -> ((ObjectNode) x.path("identifier").get(0)).put("value", "52330300MJ871")),
            new Break(
                "unknown-org-type",
                x ->
                    ((ObjectNode) x.path("type").get(0).path("coding").get(0))
                        .put("code", "hotel")),
            new Break("no-identifier", x -> x.remove("identifier")),
            new Break("no-name", x -> x.remove("name")),
            new Break(
                "negative-beds",
                x -> ((ObjectNode) x.path("extension").get(0)).put("valueUnsignedInt", -5)),
            new Break("no-type", x -> x.remove("type"))));
  }

  private Named observation(int i) {
    ObjectNode o = observation.deepCopy();
    o.put("id", "abl-" + i);
    ((ObjectNode) o.path("valueCodeableConcept").path("coding").get(0))
        .put("code", String.valueOf(random.nextInt(5)))
        .remove("display");
    ((ObjectNode) o.path("component").get(0)).put("valueInteger", random.nextInt(91));
    o.put(
        "effectiveDateTime",
        String.format(
            "2025-%02d-%02dT09:30:00+08:00", 1 + random.nextInt(12), 1 + random.nextInt(28)));
    return breakOne(
        o,
        List.of(
            new Break(
                "level-5",
                x ->
                    ((ObjectNode) x.path("valueCodeableConcept").path("coding").get(0))
                        .put("code", "5")),
            new Break(
                "score-95", x -> ((ObjectNode) x.path("component").get(0)).put("valueInteger", 95)),
            new Break("no-status", x -> x.remove("status")),
            new Break("bad-status", x -> x.put("status", "done")),
            new Break("no-subject", x -> x.remove("subject")),
            new Break("no-code", x -> x.remove("code")),
            new Break("bad-effective", x -> x.put("effectiveDateTime", "yesterday"))));
  }

  private record Break(String name, Consumer<ObjectNode> apply) {}

  /** Two times in five the resource stays valid; otherwise one rule (sometimes two) is broken. */
  private Named breakOne(ObjectNode json, List<Break> breaks) {
    int roll = random.nextInt(5);
    if (roll < 2) {
      return new Named("valid", json);
    }
    Break first = breaks.get(random.nextInt(breaks.size()));
    first.apply.accept(json);
    String name = first.name;
    if (roll == 4) {
      Break second = breaks.get(random.nextInt(breaks.size()));
      if (second != first) {
        try {
          second.apply.accept(json);
          name += "," + second.name;
        } catch (RuntimeException e) {
          // the second break touched what the first removed; one break is enough
        }
      }
    }
    return new Named(name, json);
  }

  private static ObjectNode extension(ObjectNode resource, String url) {
    for (JsonNode ext : resource.path("extension")) {
      if (url.equals(ext.path("url").asText())) {
        return (ObjectNode) ext;
      }
    }
    throw new IllegalStateException("no extension " + url);
  }

  private static void removeExtension(ObjectNode resource, String url) {
    Iterator<JsonNode> it = resource.path("extension").iterator();
    while (it.hasNext()) {
      if (url.equals(it.next().path("url").asText())) {
        it.remove();
      }
    }
  }

  /** A GB 11643 citizen ID with a correct check character. */
  static String citizenId(String division, String yyyymmdd, boolean female) {
    int seq = 100 + (Math.abs((division + yyyymmdd).hashCode()) % 400) * 2 + (female ? 0 : 1);
    String body = division + yyyymmdd + String.format("%03d", seq);
    int sum = 0;
    for (int k = 0; k < 17; k++) {
      sum += (body.charAt(k) - '0') * ID_WEIGHTS[k];
    }
    return body + ID_CHECK.charAt(sum % 11);
  }

  private ObjectNode tree(IBaseResource resource) {
    try {
      return (ObjectNode) JSON.readTree(parser.encodeResourceToString(resource));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
