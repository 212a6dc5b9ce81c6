package org.yiyang.gateway.flow.resident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.delivery.MessageIntake;
import org.yiyang.gateway.error.ApiResponse;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.gateway.journal.NewMessage;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.Fhir;

/**
 * Turns a resident's mapped transaction Bundle into a journal message. Its idempotency key is the
 * caller's {@code Idempotency-Key}, else facility + resident + a hash of the mapped content: an
 * identical resend is the same message, a changed record a new one. Messages of one resident are
 * delivered in order.
 */
@Component
public class ResidentIntake {

  public static final String FLOW = "resident.to-fhir";
  public static final String IDEMPOTENCY_KEY = "yyIdempotencyKey";
  public static final String CORRELATION_ID = "X-Correlation-Id";

  private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");

  private final MessageIntake intake;

  public ResidentIntake(MessageIntake intake) {
    this.intake = intake;
  }

  /** Refuses new records early (before parsing) while the journal's backlog is full. */
  public void requireCapacity() {
    intake.requireCapacity();
  }

  public ApiResponse accept(
      @Header(IDEMPOTENCY_KEY) String idempotencyKey,
      @Header(CORRELATION_ID) String correlationId,
      Bundle transaction) {
    Patient patient =
        transaction.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("The resident mapping produced no Patient"));
    Identifier residentNo =
        patient.getIdentifier().stream()
            .filter(i -> i.getSystem() != null)
            .filter(i -> i.getSystem().startsWith(Canonical.RESIDENT_NO_SYSTEM_PREFIX))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException("The resident mapping produced no resident number"));
    String facilityCode =
        residentNo.getSystem().substring(Canonical.RESIDENT_NO_SYSTEM_PREFIX.length());
    String payload = Fhir.r4().newJsonParser().encodeResourceToString(transaction);
    String contentHash = sha256(payload);
    String orderingKey = sha256(FLOW + "|" + facilityCode + "|" + residentNo.getValue());
    String key;
    if (idempotencyKey == null || idempotencyKey.isEmpty()) {
      key = FLOW + "|" + facilityCode + "|" + orderingKey + "|" + contentHash;
    } else if (KEY.matcher(idempotencyKey).matches()) {
      key = FLOW + "|" + facilityCode + "|key:" + idempotencyKey;
    } else {
      throw GatewayException.of(
          ErrorCode.INVALID_VALUE,
          "Idempotency-Key",
          "Idempotency-Key must be 1 to 100 letters, digits, '.', '_', ':' or '-'.");
    }
    return intake.submit(
        new NewMessage(FLOW, facilityCode, orderingKey, key, contentHash, payload, correlationId));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
