package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.yiyang.gateway.notify.WebhookSignature;

/**
 * {@code bin/sandbox events}: the webhook events the sandbox's mock facility receiver (WireMock)
 * took, oldest first, each with its signature checked by the gateway's own {@link WebhookSignature}
 * over the exact bytes received. The events are thin (ids and states, no referral content), so
 * printing them shows no personal data.
 *
 * <p>Arguments: {@code MOCK_BASE_URL SECRET_FILE [PATH]}; exits 1 when any signature fails.
 */
public final class WebhookEvents {

  static final String DEFAULT_PATH = "/facility/webhook";

  private WebhookEvents() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: WebhookEvents MOCK_BASE_URL SECRET_FILE [PATH]");
      System.exit(2);
    }
    String secret = Files.readString(Path.of(args[1])).strip();
    String path = args.length > 2 ? args[2] : DEFAULT_PATH;
    HttpResponse<String> journal =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(args[0] + "/__admin/requests")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (journal.statusCode() != 200) {
      System.err.println("events: the mock answered " + journal.statusCode());
      System.exit(1);
    }
    JsonNode requests = new ObjectMapper().readTree(journal.body()).path("requests");
    int invalid = 0;
    int shown = 0;
    // WireMock lists the newest first.
    for (int i = requests.size() - 1; i >= 0; i--) {
      JsonNode request = requests.get(i).path("request");
      if (!path.equals(request.path("url").asText())) {
        continue;
      }
      byte[] body = Base64.getDecoder().decode(request.path("bodyAsBase64").asText(""));
      String signature = header(request, WebhookSignature.HEADER);
      boolean valid = signature != null && WebhookSignature.verify(secret, signature, body);
      invalid += valid ? 0 : 1;
      JsonNode event = new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8));
      System.out.printf(
          "%s %s %s %s -> %s signature=%s%n",
          event.path("occurredAt").asText("-"),
          event.path("event").asText("-"),
          event.path("referralId").asText("-"),
          event.path("previousStatus").asText("-"),
          event.path("status").asText("-"),
          valid ? "valid" : "INVALID");
      shown++;
    }
    System.out.printf("%d event(s), %d with a bad signature%n", shown, invalid);
    System.exit(invalid == 0 ? 0 : 1);
  }

  private static String header(JsonNode request, String name) {
    JsonNode headers = request.path("headers");
    for (var it = headers.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.equalsIgnoreCase(name)) {
        JsonNode value = headers.get(key);
        return value.isArray() ? value.path(0).asText() : value.asText();
      }
    }
    return null;
  }
}
