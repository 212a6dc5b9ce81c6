package org.yiyang.gateway.security;

/**
 * The access rule of each facility-API handler, as Spring Security expressions for {@code
 * PreAuthorize}. Every handler carries one ({@link AccessRules} refuses one that does not, and
 * {@code AccessMatrixIT} fails the build). The role decides the kind of request; which objects a
 * facility or hospital may touch is decided by the handler's feature ({@link Tenancy}).
 */
public final class Access {

  public static final String FACILITY = "hasRole('FACILITY')";
  public static final String FACILITY_OR_HOSPITAL = "hasAnyRole('FACILITY', 'HOSPITAL')";
  public static final String FACILITY_OR_OPERATOR = "hasAnyRole('FACILITY', 'OPERATOR')";
  public static final String OPERATOR = "hasRole('OPERATOR')";
  public static final String AUDITOR = "hasRole('AUDITOR')";
  public static final String NOTIFIER = "hasRole('NOTIFIER')";

  private Access() {}
}
