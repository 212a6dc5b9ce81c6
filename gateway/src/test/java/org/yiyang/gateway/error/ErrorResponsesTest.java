package org.yiyang.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelExecutionException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** How failures become answers: the classifier every route and controller shares. */
class ErrorResponsesTest {

  private final ErrorResponses errors = new ErrorResponses();

  @Test
  void aRequestWhileTheRoutesAreNotRunningIs503WithRetryAfterNot500() {
    ApiResponse response =
        errors.toResponse(
            new CamelExecutionException(
                "not started", null, new RejectedExecutionException("CamelContext not started")));
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers()).containsEntry("Retry-After", "5");
    OperationOutcome outcome = (OperationOutcome) response.body();
    assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode())
        .isEqualTo("GW-9004");
  }

  @Test
  void anUnreachableJournalIs503WithRetryAfterNot500() {
    for (RuntimeException failure :
        List.of(
            new org.springframework.jdbc.CannotGetJdbcConnectionException(
                "pool", new java.sql.SQLTransientConnectionException("timeout")),
            new org.springframework.transaction.CannotCreateTransactionException("no connection"),
            new CamelExecutionException(
                "route",
                null,
                new org.springframework.dao.DataAccessResourceFailureException("closed")))) {
      ApiResponse response = errors.toResponse(failure);
      assertThat(response.status()).as(failure.getClass().getName()).isEqualTo(503);
      assertThat(response.headers()).containsEntry("Retry-After", "5");
      OperationOutcome outcome = (OperationOutcome) response.body();
      assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode())
          .isEqualTo("GW-9005");
    }
  }

  @Test
  void anUnexpectedFailureIs500WithoutItsMessageInTheAnswerOrTheLog() {
    Logger logger = (Logger) LoggerFactory.getLogger(ErrorResponses.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    ApiResponse response;
    try {
      response = errors.toResponse(new IllegalStateException("secret 330302194305120024"));
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list).hasSize(1);
    ILoggingEvent line = logged.list.get(0);
    assertThat(line.getFormattedMessage())
        .contains("java.lang.IllegalStateException")
        .contains("ErrorResponsesTest")
        .doesNotContain("330302194305120024");
    assertThat(line.getThrowableProxy()).isNull();
    assertThat(response.status()).isEqualTo(500);
    OperationOutcome outcome = (OperationOutcome) response.body();
    assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode())
        .isEqualTo("GW-9001");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).doesNotContain("330302194305120024");
  }
}
