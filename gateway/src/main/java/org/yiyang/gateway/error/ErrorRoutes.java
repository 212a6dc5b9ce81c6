package org.yiyang.gateway.error;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Error handling declared once for every flow route: {@code routeConfiguration("gateway-errors")}.
 */
@Component
public class ErrorRoutes extends RouteConfigurationBuilder {

  public static final String ID = "gateway-errors";

  private final ErrorResponses errors;

  public ErrorRoutes(ErrorResponses errors) {
    this.errors = errors;
  }

  @Override
  public void configuration() {
    routeConfiguration(ID)
        .onException(Exception.class)
        .handled(true)
        .process(
            exchange -> {
              Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
              exchange.getMessage().setBody(errors.toResponse(caught));
            });
  }
}
