package org.yiyang.gateway.journal;

/** Keys shaped like the ones MessageIntake makes (hex SHA-256), for journal tests. */
final class MessageIntakeKeys {
  private MessageIntakeKeys() {}

  static String sha(String text) {
    return org.yiyang.gateway.delivery.MessageIntake.sha256(text);
  }
}
