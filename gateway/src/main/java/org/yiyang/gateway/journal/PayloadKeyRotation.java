package org.yiyang.gateway.journal;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * Re-encryption of journal payloads under the keyring's active data key, online and in batches:
 * after a key rotation (a new key made active, the old one kept to decrypt), and for payloads
 * journaled in clear before V30. It walks the payloads once in message order from the start of the
 * process; payloads written meanwhile already use the active key. When nothing is left under
 * another key, the old key can leave the keyring (docs/operations.md).
 */
@Component
public class PayloadKeyRotation {

  private static final Logger log = LoggerFactory.getLogger(PayloadKeyRotation.class);

  private final Journal journal;
  private final PayloadCodec codec;
  private final int batchSize;
  private long position = 0;
  private long moved = 0;
  private boolean done;

  @Autowired
  public PayloadKeyRotation(Journal journal, PayloadCodec codec, StorageProperties storage) {
    this(journal, codec, storage.reencryptBatchSize());
  }

  PayloadKeyRotation(Journal journal, PayloadCodec codec, int batchSize) {
    this.journal = journal;
    this.codec = codec;
    this.batchSize = batchSize;
  }

  /** Re-encrypts one batch; false once the walk is over (nothing left under another key). */
  public synchronized boolean step() {
    if (done) {
      return false;
    }
    Journal.Reencrypted batch = journal.reencryptPayloads(position, batchSize);
    if (batch.moved() == 0) {
      done = true;
      Map<String, Long> keys = journal.payloadKeys();
      if (moved > 0) {
        log.info(
            "Journal payloads re-encrypted: {} moved to data key {}; payloads per key now {}",
            moved,
            codec.activeKeyId(),
            keys);
      }
      return false;
    }
    moved += batch.moved();
    position = batch.lastSeq();
    return true;
  }

  /** Whether the walk is over. */
  public synchronized boolean done() {
    return done;
  }
}
