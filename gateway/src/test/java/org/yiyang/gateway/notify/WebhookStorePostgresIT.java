package org.yiyang.gateway.notify;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** {@link WebhookStoreTest} on PostgreSQL (an embedded server): the same migrations and SQL. */
class WebhookStorePostgresIT {

  @Test
  void onPostgres() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      WebhookStoreTest.exercise(pg.getPostgresDatabase());
    }
  }
}
