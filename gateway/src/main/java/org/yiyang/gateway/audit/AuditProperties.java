package org.yiyang.gateway.audit;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail ({@code gateway.audit.*}, ADR 0055). There is no switch to turn it off, and no
 * retention period: records are never purged (Cybersecurity Law Art. 21 asks for six months at
 * least; archiving older rows is the database's business, see docs/operations.md).
 *
 * @param mac the MAC of the chain: {@code HMAC-SHA256} (default) or {@code HMAC-SM3}
 * @param observer the name of this gateway instance in its rows; empty: the host name
 */
@Validated
@ConfigurationProperties(prefix = "gateway.audit")
public record AuditProperties(
    @NotNull @DefaultValue("HMAC-SHA256") AuditMac mac,
    @Pattern(regexp = "^[A-Za-z0-9._:-]{0,64}$") @DefaultValue("") String observer) {}
