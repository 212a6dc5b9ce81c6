package org.yiyang.gateway.fhirserver;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.HibernatePropertiesProvider;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.narrative.INarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.Dialect;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.yiyang.gateway.audit.FhirAuditTags;
import org.yiyang.gateway.config.GatewayProperties;
import org.yiyang.gateway.journal.FhirStoreCompaction;
import org.yiyang.gateway.storage.StorageProperties;

/**
 * The embedded default regional FHIR server: HAPI FHIR's JPA server on an H2 file database under
 * {@code gateway.data-dir}, served at {@code /fhir} on the gateway's own port. It stands in for the
 * regional platform so that the gateway works out of the box; the gateway still talks to it over
 * HTTP, exactly as to a remote server. Setting {@code gateway.fhir.base-url} switches it off.
 */
@Configuration
@Conditional(EmbeddedFhirServerCondition.class)
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  ThreadPoolFactoryConfig.class,
  SubscriptionChannelConfig.class,
  // Subscriptions (rest-hook): the gateway's own wake-up on changed referral Tasks (ADR 0041).
  SubscriptionSubmitterConfig.class,
  SubscriptionProcessorConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class
})
public class EmbeddedFhirServerConfig {

  @Bean
  public JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // The gateway sends references it has resolved itself; the server must not invent targets.
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    settings.setAllowExternalReferences(false);
    settings.setIndexMissingFields(JpaStorageSettings.IndexEnabledEnum.DISABLED);
    settings.setAdvancedHSearchIndexing(false);
    // A search must see what was written a moment ago (identity checks, readers of the platform).
    settings.setReuseCachedSearchResultsForMillis(null);
    // Storage per resource (ADR 0051, measured): search index rows without the columns HAPI
    // derives from their hashes (SP_NAME, RES_TYPE, SP_UPDATED): 15 % less index data. An update
    // that changes nothing makes no new version (HAPI's default, kept explicit). Resource text
    // stays JSON: HAPI 8.6 compresses it (JSONC) on Oracle only.
    settings.setIndexStorageOptimized(true);
    settings.setSuppressUpdatesWithNoChange(true);
    return settings;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public SubscriptionSettings subscriptionSettings() {
    SubscriptionSettings settings = new SubscriptionSettings();
    // Rest-hook only: a Subscription wakes the gateway's change poller (docs/adr/0041).
    settings.addSupportedSubscriptionType(
        org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType.RESTHOOK);
    return settings;
  }

  /**
   * HAPI's subscription processor wants an e-mail sender; e-mail subscriptions are not enabled
   * (only rest-hook is supported), so it is never called.
   */
  @Bean
  public IEmailSender emailSender() {
    return details -> {
      throw new UnsupportedOperationException("E-mail subscriptions are not enabled");
    };
  }

  @Bean(destroyMethod = "close")
  public HikariDataSource fhirDataSource(GatewayProperties properties) {
    Path dir = properties.dataDir().toAbsolutePath().normalize().resolve("fhir");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the FHIR data directory " + dir, e);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("fhir-h2");
    // COMPRESS=TRUE: pages written LZF-compressed, half the bytes of the resource texts and search
    // index rows (ADR 0063, measured); RETENTION_TIME=0 as for the journal (JournalConfig#h2Url);
    // MAX_COMPACT_TIME=0: FhirStoreCompaction compacts at stop, and H2's own 200 ms after it
    // rewrote the pages to the end of the file and stopped there (15 MB closed as 29 MB).
    config.setJdbcUrl(
        "jdbc:h2:file:"
            + dir.resolve("fhir-r4")
            + ";COMPRESS=TRUE;RETENTION_TIME=0;MAX_COMPACT_TIME=0;DB_CLOSE_ON_EXIT=FALSE");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(10);
    return new HikariDataSource(config);
  }

  /**
   * The FHIR store's file compacted online, when idle and at stop, as the journal's (ADR 0063);
   * {@code JournalHousekeeping} runs its steps.
   */
  @Bean
  public FhirStoreCompaction fhirStoreCompaction(
      @Qualifier("fhirDataSource") HikariDataSource fhirDataSource, StorageProperties storage) {
    return new FhirStoreCompaction(fhirDataSource, storage.compactAtStop());
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      @Qualifier("fhirDataSource") DataSource dataSource) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    Map<String, Object> jpa = new HashMap<>();
    jpa.put(AvailableSettings.DIALECT, HapiFhirH2Dialect.class.getName());
    jpa.put(AvailableSettings.HBM2DDL_AUTO, "update");
    jpa.put(AvailableSettings.STATEMENT_BATCH_SIZE, "20");
    jpa.put(AvailableSettings.SHOW_SQL, "false");
    jpa.put(AvailableSettings.FORMAT_SQL, "false");
    jpa.put(AvailableSettings.USE_QUERY_CACHE, "false");
    jpa.put(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
    jpa.put(AvailableSettings.SCANNER, "org.hibernate.boot.archive.scan.internal.DisabledScanner");
    jpa.put("hibernate.search.enabled", "false");
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setJpaPropertyMap(jpa);
    factory.setDataSource(dataSource);
    return factory;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  @Primary
  @Bean
  public HibernatePropertiesProvider hibernatePropertiesProvider() {
    return new HibernatePropertiesProvider() {
      private final Dialect dialect = new HapiFhirH2Dialect();

      @Override
      public Dialect getDialect() {
        return dialect;
      }
    };
  }

  @Bean
  public RestfulServer fhirRestfulServer(
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      ValueSetOperationProvider valueSetOperations) {
    FhirContext context = systemDao.getContext();
    context.setNarrativeGenerator((INarrativeGenerator) null);
    RestfulServer server = new RestfulServer(context);
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    server.registerProvider(valueSetOperations);
    // Who may do what on /fhir, decided before any work (ADR 0050).
    server.registerInterceptor(new FhirAuthorization());
    // What each request was and why it was refused, for its audit record (ADR 0055).
    server.registerInterceptor(new FhirAuditTags());
    JpaCapabilityStatementProvider capabilities =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport);
    capabilities.setImplementationDescription("Yiyang Gateway embedded regional FHIR server");
    server.setServerConformanceProvider(capabilities);
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    return server;
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer fhirRestfulServer) {
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(fhirRestfulServer, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
