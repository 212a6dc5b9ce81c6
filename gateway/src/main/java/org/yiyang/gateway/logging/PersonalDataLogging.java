package org.yiyang.gateway.logging;

import org.springframework.stereotype.Component;

/** Puts {@link PersonalDataLogFilter} in place as soon as the application context starts. */
@Component
public class PersonalDataLogging {

  public PersonalDataLogging() {
    PersonalDataLogFilter.install();
  }
}
