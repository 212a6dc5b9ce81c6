package org.yiyang.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PersonalDataLogFilterTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger hapi =
      context.getLogger("ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor");
  private final Logger own = context.getLogger("org.yiyang.gateway.test");

  @BeforeEach
  void attach() {
    PersonalDataLogFilter.install();
    appender.start();
    hapi.addAppender(appender);
    own.addAppender(appender);
  }

  @AfterEach
  void detach() {
    hapi.detachAppender(appender);
    own.detachAppender(appender);
  }

  @Test
  void aLibrarysLineWithACitizenIdIsWrittenMasked() {
    hapi.error(
        "Failure during REST processing: {}",
        "HAPI-1883: Invalid date/time format: \"330302194305120024\"");
    assertThat(appender.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage())
                  .doesNotContain("330302194305120024")
                  .contains("***");
              assertThat(e.getLevel().toString()).isEqualTo("ERROR");
              assertThat(e.getLoggerName()).isEqualTo(hapi.getName());
            });
  }

  @Test
  void anExceptionMessageIsMaskedAndItsTraceKeepsOnlyClassesAndFrames() {
    Exception failure =
        new IllegalStateException(
            "key 'Patient?identifier=urn%3Aoid%3A2.16.156.10011.1.3%7C33030219500720200X'",
            new RuntimeException("phone 13800000000"));
    hapi.error("Unique index violation", failure);
    ILoggingEvent event = appender.list.get(0);
    assertThat(event.getFormattedMessage())
        .doesNotContain("33030219500720200X")
        .doesNotContain("13800000000")
        .contains("java.lang.IllegalStateException")
        .contains("2.16.156.10011.1.3");
    assertThat(event.getThrowableProxy()).isNull();
  }

  @Test
  void linesWithoutSuchDigitsAndTheGatewaysOwnLinesPassUnchanged() {
    hapi.warn("Failure during REST processing: HAPI-0389: unknown parameter {}", "birthdate");
    own.info("delivery message=123456789 flow=resident.to-fhir");
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Failure during REST processing: HAPI-0389: unknown parameter birthdate",
            "delivery message=123456789 flow=resident.to-fhir");
  }
}
