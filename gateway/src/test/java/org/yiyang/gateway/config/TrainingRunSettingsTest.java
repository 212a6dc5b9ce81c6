package org.yiyang.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.yiyang.gateway.notify.NotifyProperties;

/**
 * What a training run overrides of the settings it is started with (ADR 0062): with the settings of
 * a regional deployment, it still gets a data directory of its own, the embedded journal, no
 * notifications, no configured webhooks, no reachable FHIR server and a free port.
 */
class TrainingRunSettingsTest {

  private static StandardEnvironment production(boolean trainingRun) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources()
        .addFirst(
            new MapPropertySource(
                "commandLineArgs",
                Map.of(
                    "gateway.training-run", String.valueOf(trainingRun),
                    "gateway.data-dir", "/srv/yiyang/data",
                    "gateway.journal.url", "jdbc:postgresql://journal.example.org/yiyang",
                    "gateway.journal.password", "s3cret",
                    "gateway.security.keyring-file", "/run/secrets/keyring.json",
                    "gateway.fhir.base-url", "https://fhir.example.org/fhir",
                    "gateway.fhir.auth.token-url", "https://fhir.example.org/token",
                    "gateway.notify.webhooks[0].facility-code", "52330300MJ8712345N",
                    "gateway.notify.webhooks[0].url", "https://yikang.example.org/hooks",
                    "gateway.notify.webhooks[0].secret", "whsec_0123456789abcdef01234567")));
    new TrainingRunSettings().postProcessEnvironment(env, new SpringApplication());
    return env;
  }

  @Test
  void aTrainingRunGetsAThrowAwayDataDirectoryAndNothingThatReachesOut() throws Exception {
    StandardEnvironment env = production(true);
    Binder binder = Binder.get(env);
    GatewayProperties gateway = binder.bind("gateway", GatewayProperties.class).get();
    Path dataDir = gateway.dataDir();
    assertThat(dataDir.toString()).isNotEqualTo("/srv/yiyang/data");
    assertThat(Files.isDirectory(dataDir)).isTrue();
    assertThat(dataDir.getFileName().toString()).startsWith("yiyang-training-run-");
    assertThat(gateway.journal().embedded()).isTrue();
    assertThat(gateway.journal().password()).isEmpty();
    assertThat(gateway.fhir().baseUrl()).isEqualTo("http://127.0.0.1:9/fhir");
    assertThat(gateway.fhir().auth().tokenUrl()).isEqualTo("http://127.0.0.1:9/token");
    assertThat(env.getProperty("gateway.security.keyring-file")).isEmpty();
    assertThat(env.getProperty("server.port")).isEqualTo("0");
    NotifyProperties notify = binder.bind("gateway.notify", NotifyProperties.class).get();
    assertThat(notify.enabled()).isFalse();
    assertThat(notify.subscription()).isFalse();
    assertThat(notify.webhooks()).isEmpty();
    assertThat(new RunMode(env).trainingRun()).isTrue();
  }

  @Test
  void anyOtherStartIsLeftAsConfigured() {
    StandardEnvironment env = production(false);
    assertThat(env.getPropertySources().contains(TrainingRunSettings.SOURCE)).isFalse();
    assertThat(env.getProperty("gateway.data-dir")).isEqualTo("/srv/yiyang/data");
    assertThat(new RunMode(env).trainingRun()).isFalse();
  }
}
