package org.yiyang.gateway.api;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yiyang.gateway.GatewayClient;

/**
 * The 1 MB body limit is enforced while reading (issue 19): the gateway answers 413 as soon as it
 * knows the body is too large, without waiting for (or holding) the rest of it. Each sender here
 * stops sending before its body ends: a gateway that reads the whole body first never answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BodyLimitIT {

  @RegisterExtension
  static WireMockExtension fhirServer =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("gateway.data-dir", () -> dataDir.toString());
    registry.add("gateway.security.issuer", () -> GatewayClient.ISSUER);
    registry.add("gateway.fhir.base-url", () -> fhirServer.baseUrl() + "/fhir");
  }

  private static final int LIMIT = 1024 * 1024;

  /** Guards the test against a gateway that never answers; not a measure of anything. */
  private static final int NO_ANSWER_MS = 20_000;

  @LocalServerPort int port;

  @Test
  void aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(NO_ANSWER_MS);
      OutputStream out = socket.getOutputStream();
      out.write(headers("Content-Length: " + (5 * LIMIT)));
      out.write("{\"residentNo\": \"".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(statusAndBody(socket)).startsWith("HTTP/1.1 413").contains("GW-1009");
    }
  }

  @Test
  void aChunkedBodyIsRefusedOnceItPassesTheLimit() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(NO_ANSWER_MS);
      OutputStream out = socket.getOutputStream();
      out.write(headers("Transfer-Encoding: chunked"));
      byte[] chunk = new byte[32 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (int sent = 0; sent <= LIMIT; sent += chunk.length) {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      // No last chunk: the body never ends.
      out.flush();
      assertThat(statusAndBody(socket)).startsWith("HTTP/1.1 413").contains("GW-1009");
    }
  }

  private byte[] headers(String length) {
    return ("POST /api/v1/residents HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + port
            + "\r\n"
            + "Authorization: Bearer "
            + new GatewayClient(port, dataDir).token()
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The status line and what follows, up to the body's OperationOutcome code. */
  private static String statusAndBody(Socket socket) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder answer = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      answer.append(line).append('\n');
      if (line.contains("GW-")) {
        break;
      }
    }
    return answer.toString();
  }
}
