package org.yiyang.gateway.audit;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.yiyang.gateway.error.ErrorResponses;
import org.yiyang.gateway.journal.JournalConfig;

/** The audit trail's wiring (ADR 0055): its transactions and the filter that audits requests. */
@Configuration
@EnableConfigurationProperties(AuditProperties.class)
public class AuditConfig {

  /** Transactions of the journal database, shared by a journal change and its audit record. */
  public static final String TRANSACTIONS = "journalTransactions";

  /**
   * Before Spring Security's filter chain ({@code DEFAULT_FILTER_ORDER}), so that its refusals are
   * audited too.
   */
  public static final int FILTER_ORDER =
      org.springframework.boot.autoconfigure.security.SecurityProperties.DEFAULT_FILTER_ORDER - 10;

  /**
   * Its transaction manager is no bean: a second {@code PlatformTransactionManager} would unsettle
   * the embedded FHIR server's {@code @Transactional} methods, which use the JPA one.
   */
  @Bean(name = TRANSACTIONS, defaultCandidate = false)
  public TransactionTemplate journalTransactions(
      @Qualifier(JournalConfig.DATA_SOURCE) HikariDataSource dataSource) {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  @Bean
  public FilterRegistrationBean<AuditFilter> auditFilter(
      ObjectProvider<AuditTrail> trail,
      ObjectProvider<AuditRoutes> routes,
      ObjectProvider<ErrorResponses> errors) {
    FilterRegistrationBean<AuditFilter> registration =
        new FilterRegistrationBean<>(new AuditFilter(trail, routes, errors));
    registration.setName("auditFilter");
    registration.setOrder(FILTER_ORDER);
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    registration.addUrlPatterns("/*");
    return registration;
  }
}
