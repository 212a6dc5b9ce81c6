package org.yiyang.gateway.config;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Whether this start is a training run ({@code gateway.training-run=true}, ADR 0035 and 0062): then
 * nothing that acts on shared state or leaves the process starts (the delivery worker, the referral
 * poller and its Subscription, the journal's housekeeping). {@link TrainingRunSettings} also points
 * the run at a throw-away data directory and an embedded journal.
 */
@Component
public class RunMode {

  private final boolean trainingRun;

  @Autowired
  public RunMode(Environment environment) {
    this(Boolean.TRUE.equals(environment.getProperty(TrainingRun.PROPERTY, Boolean.class)));
  }

  public RunMode(boolean trainingRun) {
    this.trainingRun = trainingRun;
  }

  /** A gateway that serves: every job runs. */
  public static RunMode serving() {
    return new RunMode(false);
  }

  public boolean trainingRun() {
    return trainingRun;
  }
}
