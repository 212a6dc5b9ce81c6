package org.yiyang.gateway.security;

import java.util.function.Supplier;
import org.yiyang.gateway.error.GatewayException;
import org.yiyang.profiles.ErrorCode;
import org.yiyang.profiles.rules.Uscc;

/**
 * Which organization's objects a caller may touch. A facility writes and reads its own records
 * only; another facility's object answers exactly as a missing one does (the same status and body,
 * made by the same factory), so that a caller cannot learn what exists elsewhere.
 */
public final class Tenancy {

  /** Exchange header carrying the {@link Caller} into the routes. */
  public static final String CALLER = "yyCaller";

  private Tenancy() {}

  /**
   * A record names its facility: a facility caller sends its own only (403 GW-1021 naming the
   * field). Other roles that may write (none today but the facility) are not limited here.
   */
  public static void requireOwnWrite(Caller caller, String facilityCode, String field) {
    if (caller != null
        && caller.is(Role.FACILITY)
        && facilityCode != null
        && !caller.actsFor(facilityCode)) {
      throw GatewayException.of(
          ErrorCode.NOT_PARTY,
          field,
          field + ": a facility sends its own records only (the facility its token names)");
    }
  }

  /**
   * A read addressed by facility code: a facility caller reading another facility's object gets
   * {@code missing}, the very answer a missing object gets. A code that is not a USCC at all is
   * left to the feature's own check (400 for everyone).
   */
  public static void requireOwnOrMissing(
      Caller caller, String facilityCode, Supplier<? extends GatewayException> missing) {
    if (!mayRead(caller, facilityCode)) {
      throw missing.get();
    }
  }

  /**
   * Whether the caller may read objects of this facility: an operator all (its role already limits
   * it to the journal and webhooks); anyone else its own organization's only.
   */
  public static boolean mayRead(Caller caller, String facilityCode) {
    if (caller == null) {
      return false;
    }
    if (caller.is(Role.OPERATOR)) {
      return true;
    }
    return !Uscc.isValid(String.valueOf(facilityCode)) || caller.actsFor(facilityCode);
  }
}
