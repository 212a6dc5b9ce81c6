package org.yiyang.gateway.api;

import java.util.List;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.flow.record.RecordFlow;
import org.yiyang.gateway.flow.record.RecordFlows;
import org.yiyang.mappings.MappingCatalog;

/**
 * The largest body each request may carry: {@code gateway.attachments.max-request-size} under the
 * path of a record flow whose format carries attachments (its schema uses {@code x-attachments}:
 * {@code /api/v1/consultations} and everything below it, {@code /api/v1/consultation-materials}),
 * {@code gateway.api.max-body-size} everywhere else. Known from the descriptors, not listed here.
 */
@Component
public class BodyLimits {

  private final long standard;
  private final long attachments;
  private final List<String> attachmentPaths;

  public BodyLimits(GatewayProperties properties, RecordFlows flows, MappingCatalog catalog) {
    this.standard = properties.api().maxBodySize().toBytes();
    this.attachments = Math.max(standard, properties.attachments().maxRequestSize().toBytes());
    this.attachmentPaths =
        flows.all().stream()
            .filter(f -> catalog.get(f.toFhirMapping()).carriesAttachments())
            .map(RecordFlow::path)
            .map(p -> "/api/v1/" + p)
            .toList();
  }

  /** The limit for a request to this path (the request URI, without the query). */
  public long of(String path) {
    for (String prefix : attachmentPaths) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return attachments;
      }
    }
    return standard;
  }
}
