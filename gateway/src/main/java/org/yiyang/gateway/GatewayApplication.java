package org.yiyang.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.yiyang.gateway.config.ConformanceConfig;

/** Yiyang Gateway: eldercare facility JSON in, regional FHIR R4 out, and back. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(GatewayApplication.class);
    // Once logging is configured (the environment is prepared), start the validator's warm-up so
    // that it runs beside the context's start; readiness waits for it (ConformanceConfig).
    application.addListeners(
        (ApplicationListener<ApplicationEnvironmentPreparedEvent>)
            event -> ConformanceConfig.startValidatorWarmUp());
    application.run(args);
  }
}
