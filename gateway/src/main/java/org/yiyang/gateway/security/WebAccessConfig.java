package org.yiyang.gateway.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers {@link AccessRules} on every handler: a handler without an access rule is refused. */
@Configuration
public class WebAccessConfig implements WebMvcConfigurer {

  private final AccessRules rules;

  public WebAccessConfig(AccessRules rules) {
    this.rules = rules;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(rules);
  }
}
