package org.yiyang.gateway.delivery;

import java.util.List;

/** A bean that delivers several flows, e.g. one target per health-record flow. */
public interface DeliveryTargets {

  List<DeliveryTarget> targets();
}
