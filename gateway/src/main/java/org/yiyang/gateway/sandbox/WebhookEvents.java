package org.yiyang.gateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
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
    System.exit(check(args[0], secret, path, System.out) == 0 ? 0 : 1);
  }

  /**
   * Prints the events the mock at {@code mockBase} received on {@code path}, oldest first, and
   * answers how many failed their signature check.
   */
  static int check(String mockBase, String secret, String path, PrintStream out)
      throws IOException, InterruptedException {
    HttpResponse<String> journal =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(mockBase + "/__admin/requests")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (journal.statusCode() != 200) {
      throw new IOException("the mock answered " + journal.statusCode());
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode requests = json.readTree(journal.body()).path("requests");
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
      JsonNode event;
      try {
        event = json.readTree(new String(body, StandardCharsets.UTF_8));
      } catch (IOException notJson) {
        event = json.createObjectNode();
      }
      // A green-channel event carries its states under greenChannel (ADR 0062).
      JsonNode states = event.has("greenChannel") ? event.path("greenChannel") : event;
      out.printf(
          "%s %s %s %s -> %s signature=%s%n",
          event.path("occurredAt").asText("-"),
          event.path("event").asText("-"),
          event.path("referralId").asText(event.path("consultationId").asText("-")),
          states.path("previousStatus").asText("-"),
          states.path("status").asText("-"),
          valid ? "valid" : "INVALID");
      shown++;
    }
    out.printf("%d event(s), %d with a bad signature%n", shown, invalid);
    return invalid;
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
