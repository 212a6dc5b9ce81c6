package org.yiyang.gateway.notify;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ContentTypes;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Resource;
import org.yiyang.profiles.Fhir;

/**
 * A FHIR server's search, scripted (a WireMock transformer): it answers {@code GET <type>?...} with
 * the resources the test made visible (committed) so far, those with {@code meta.lastUpdated} at or
 * after the {@code _lastUpdated=ge…} the poller asks for, oldest first, on one page, with the
 * server's time of the search in {@code Bundle.meta.lastUpdated} as HAPI gives it. A resource
 * without {@code lastUpdated} is always in the answer. Everything else (the code filter, paging) is
 * left out: the poller's cursor and its handling of what it reads are what is tested.
 */
final class ScriptedFhirServer implements ResponseDefinitionTransformerV2 {

  static final String NAME = "scripted-fhir-search";

  private final List<Resource> visible = new CopyOnWriteArrayList<>();
  private final List<Instant> searchedFrom = new CopyOnWriteArrayList<>();
  private volatile Instant now = Instant.parse("2026-06-01T08:00:00Z");

  void reset(Instant serverTime) {
    visible.clear();
    searchedFrom.clear();
    now = serverTime;
  }

  /** The server's clock, as its search Bundles say it. */
  void setNow(Instant serverTime) {
    now = serverTime;
  }

  /** A version committed: from now on the search may return it (replacing an earlier one). */
  void commit(Resource version) {
    visible.removeIf(
        r ->
            r.fhirType().equals(version.fhirType())
                && r.getIdElement().getIdPart().equals(version.getIdElement().getIdPart()));
    visible.add(version);
  }

  /** The lower bound of each search so far ({@link Instant#MIN}: none), oldest first. */
  List<Instant> searchedFrom() {
    return List.copyOf(searchedFrom);
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    String path = serveEvent.getRequest().getUrl().replaceAll("\\?.*$", "");
    String type = path.substring(path.lastIndexOf('/') + 1);
    QueryParameter lastUpdated = serveEvent.getRequest().queryParameter("_lastUpdated");
    Instant from =
        lastUpdated.isPresent()
            ? new DateTimeType(lastUpdated.firstValue().substring(2)).getValue().toInstant()
            : Instant.MIN;
    searchedFrom.add(from);
    List<Resource> found = new ArrayList<>();
    for (Resource r : visible) {
      if (r.fhirType().equals(type)
          && (!r.getMeta().hasLastUpdated()
              || !r.getMeta().getLastUpdated().toInstant().isBefore(from))) {
        found.add(r);
      }
    }
    found.sort(
        Comparator.comparing(
            r -> r.getMeta().hasLastUpdated() ? r.getMeta().getLastUpdated() : new Date(0)));
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(found.size());
    bundle.getMeta().setLastUpdated(Date.from(now));
    for (Resource r : found) {
      bundle.addEntry().setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
    }
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(200)
        .withHeader(ContentTypes.CONTENT_TYPE, "application/fhir+json")
        .withBody(Fhir.r4().newJsonParser().encodeResourceToString(bundle))
        .build();
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public String getName() {
    return NAME;
  }
}
