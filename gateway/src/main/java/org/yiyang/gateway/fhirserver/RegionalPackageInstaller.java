package org.yiyang.gateway.fhirserver;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.util.ClasspathUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.yiyang.gateway.logging.SafeTrace;
import org.yiyang.profiles.Canonical;
import org.yiyang.profiles.ConformancePackage;

/**
 * Installs the regional conformance package into the embedded server (HAPI's package installer,
 * {@code STORE_AND_INSTALL}): its profiles, extensions, value sets, code systems, naming systems
 * and search parameters become resources of the server, its own validator ({@code $validate}) finds
 * them, and the search parameters are indexed. Once per package version: a restart with the same
 * version installs nothing.
 */
public class RegionalPackageInstaller implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(RegionalPackageInstaller.class);

  private final IPackageInstallerSvc installer;
  private final DaoRegistry daos;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  public RegionalPackageInstaller(IPackageInstallerSvc installer, DaoRegistry daos) {
    this.installer = installer;
    this.daos = daos;
  }

  /** Completes when the package is installed (or was already). */
  public CompletableFuture<Void> installed() {
    return done;
  }

  /**
   * Once the application is ready: the server's batch jobs (a new search parameter starts a reindex
   * job) are registered only when the context has been refreshed.
   */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    Thread thread = new Thread(this::install, "regional-package-install");
    thread.setDaemon(true);
    thread.start();
  }

  private void install() {
    try {
      String version = ConformancePackage.load().version();
      if (installed(version)) {
        log.info("Regional package {}#{} already installed", Canonical.PACKAGE_ID, version);
        done.complete(null);
        return;
      }
      long start = System.nanoTime();
      PackageInstallationSpec spec =
          new PackageInstallationSpec()
              .setName(Canonical.PACKAGE_ID)
              .setVersion(version)
              .setPackageContents(packageBytes())
              .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
              .setFetchDependencies(false);
      PackageInstallOutcomeJson outcome = installer.install(spec);
      log.info(
          "Regional package {}#{} installed in {} ms: {}",
          Canonical.PACKAGE_ID,
          version,
          (System.nanoTime() - start) / 1_000_000,
          outcome.getResourcesInstalled());
      done.complete(null);
    } catch (RuntimeException e) {
      log.error("Regional package installation failed: {}", SafeTrace.of(e));
      done.completeExceptionally(e);
    }
  }

  /** Whether this version's Patient profile is on the server already. */
  private boolean installed(String version) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add("url", new UriParam(Canonical.PATIENT_PROFILE));
    map.add("version", new TokenParam(version));
    return !daos.getResourceDao("StructureDefinition")
        .search(map, new SystemRequestDetails())
        .isEmpty();
  }

  private static byte[] packageBytes() {
    try (InputStream in = ClasspathUtil.loadResourceAsStream(Canonical.PACKAGE_CLASSPATH)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + Canonical.PACKAGE_CLASSPATH, e);
    }
  }
}
