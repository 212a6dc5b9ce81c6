package org.yiyang.gateway.security;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ErrorAuthenticationFailureHandler;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.yiyang.gateway.apidocs.ApiDocs;
import org.yiyang.gateway.audit.AuditCallerFilter;
import org.yiyang.gateway.metrics.GatewayMetrics;
import org.yiyang.gateway.notify.SubscriptionWakeUp;

/**
 * Who may call the gateway (ADR 0050). Three filter chains, first match wins:
 *
 * <ol>
 *   <li>the token endpoint and its key set (Spring Authorization Server): client credentials,
 *       authenticated by {@code private_key_jwt} or, where allowed, {@code client_secret_basic};
 *   <li>the FHIR server's wake-up call, authenticated by the secret its Subscription carries;
 *   <li>everything else: a bearer token from this gateway or the configured external issuer; open
 *       are only the health probes, {@code GET /fhir/metadata} and the API docs ({@link
 *       #OPEN_GET}). What each role may do is declared on each handler ({@link Access}) and, on
 *       {@code /fhir}, by {@code FhirAuthorization}; a handler without a rule is refused ({@link
 *       AccessRules}).
 * </ol>
 */
@Configuration
@EnableWebSecurity
@EnableMethodSecurity
@EnableScheduling
public class SecurityConfig {

  /**
   * Paths anyone may call: health probes, the FHIR server's capability statement, and the facility
   * API's OpenAPI document with its Swagger UI page (issue 18: the API docs stay open).
   */
  public static final List<String> OPEN_GET =
      List.of(
          "/actuator/health",
          "/actuator/health/**",
          "/fhir/metadata",
          ApiDocs.DOCUMENT,
          ApiDocs.DOCUMENT + "/**",
          ApiDocs.DOCUMENT + ".yaml",
          ApiDocs.PAGE,
          // springdoc serves Swagger UI's files beside the page.
          "/api/v1/swagger-ui/**");

  /** The Prometheus scrape endpoint: role monitor or operator (docs/operations.md). */
  public static final String METRICS = "/actuator/prometheus";

  /** The work slots shared among clients, one for both filter chains (RateLimits). */
  @Bean
  public FairShare fairShare(SecurityProperties properties, MeterRegistry meters) {
    SecurityProperties.RateLimit limit = properties.rateLimit();
    FairShare share = new FairShare(limit.slots(), limit.maxInProgress(), limit.maxSlotWait());
    Gauge.builder(GatewayMetrics.ADMISSION_WORKING, share, FairShare::working)
        .description("Requests working in a work slot (gateway.security.rate-limit.work-slots)")
        .register(meters);
    Gauge.builder(GatewayMetrics.ADMISSION_WAITING, share, FairShare::waiting)
        .description("Requests waiting for a work slot, all clients")
        .register(meters);
    return share;
  }

  @Bean
  public PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  public JWKSource<SecurityContext> jwkSource(Keyring keyring) {
    return new ImmutableJWKSet<>(keyring.signingKeys());
  }

  @Bean
  public JwtEncoder jwtEncoder(JWKSource<SecurityContext> jwkSource) {
    return new NimbusJwtEncoder(jwkSource);
  }

  @Bean
  public AuthorizationServerSettings authorizationServerSettings(SecurityProperties properties) {
    return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
  }

  /** Access tokens: ES384, the gateway's audience, the client's role and organization. */
  @Bean
  public OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims(
      SecurityProperties properties) {
    return context -> {
      if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
        return;
      }
      context.getJwsHeader().algorithm(SignatureAlgorithm.ES384);
      var client = context.getRegisteredClient();
      var claims = context.getClaims();
      claims.audience(List.of(properties.audience()));
      claims.claim("client_id", client.getClientId());
      claims.claim(
          "role", client.getClientSettings().<String>getSetting(ClientRegistry.ROLE_SETTING));
      String uscc = client.getClientSettings().getSetting(ClientRegistry.USCC_SETTING);
      if (uscc != null) {
        claims.claim("uscc", uscc);
      }
      claims.id(UUID.randomUUID().toString());
    };
  }

  /**
   * Issued tokens are self-contained JWTs checked by signature; nothing about them is kept (an
   * in-memory store would grow with every token), so introspection answers "inactive".
   */
  @Bean
  public OAuth2AuthorizationService authorizationService() {
    return new OAuth2AuthorizationService() {
      @Override
      public void save(OAuth2Authorization authorization) {}

      @Override
      public void remove(OAuth2Authorization authorization) {}

      @Override
      public OAuth2Authorization findById(String id) {
        return null;
      }

      @Override
      public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return null;
      }
    };
  }

  @Bean
  @Order(1)
  public SecurityFilterChain tokenEndpoint(
      HttpSecurity http,
      ClientRegistry clients,
      ClientAssertions assertions,
      OAuth2AuthorizationService authorizations,
      SecurityProperties properties,
      SecurityAnswers answers,
      FairShare share)
      throws Exception {
    OAuth2AuthorizationServerConfigurer server =
        OAuth2AuthorizationServerConfigurer.authorizationServer();
    AuthenticationFailureHandler oauthErrors = auditedOAuthErrors();
    http.securityMatcher(server.getEndpointsMatcher())
        .with(
            server,
            s ->
                s.registeredClientRepository(clients)
                    .authorizationService(authorizations)
                    .clientAuthentication(
                        c ->
                            c.authenticationProviders(
                                    providers ->
                                        providers.forEach(
                                            p -> {
                                              if (p
                                                  instanceof
                                                  JwtClientAssertionAuthenticationProvider jwt) {
                                                jwt.setJwtDecoderFactory(assertions);
                                              }
                                            }))
                                .errorResponseHandler(oauthErrors))
                    .tokenEndpoint(t -> t.errorResponseHandler(oauthErrors)))
        .addFilterBefore(
            new RateLimits(properties, answers, share), SecurityContextHolderFilter.class)
        // After client authentication (added at build time), before the token endpoint answers.
        .addFilterBefore(new AuditCallerFilter(), AuthorizationFilter.class)
        .authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .exceptionHandling(e -> e.authenticationEntryPoint(answers).accessDeniedHandler(answers))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(AbstractHttpConfigurer::disable)
        .csrf(AbstractHttpConfigurer::disable);
    return http.build();
  }

  /** The FHIR server's rest-hook call: a wake-up, authenticated by its Subscription's secret. */
  @Bean
  @Order(2)
  public SecurityFilterChain wakeUpCall(HttpSecurity http, Keyring keyring, SecurityAnswers answers)
      throws Exception {
    byte[] expected = keyring.callbackSecret().getBytes(StandardCharsets.UTF_8);
    AuthenticationManager wakeUp =
        authentication -> {
          String presented = ((BearerTokenAuthenticationToken) authentication).getToken();
          if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new OAuth2AuthenticationException(
                new OAuth2Error(
                    "invalid_token", "it is not the FHIR server's wake-up secret", null));
          }
          return new CallerToken(
              new Caller(SubscriptionWakeUp.CALLER_ID, Role.NOTIFIER, null, null), null);
        };
    http.securityMatcher(SubscriptionWakeUp.CALLBACK_PATH, SubscriptionWakeUp.CALLBACK_PATH + "/**")
        .authorizeHttpRequests(a -> a.anyRequest().hasRole(Role.NOTIFIER.name()))
        .oauth2ResourceServer(
            rs ->
                rs.authenticationManagerResolver(request -> wakeUp)
                    .authenticationEntryPoint(answers)
                    .accessDeniedHandler(answers))
        .addFilterAfter(new AuditCallerFilter(), BearerTokenAuthenticationFilter.class);
    return common(http, answers).build();
  }

  @Bean
  @Order(3)
  public SecurityFilterChain api(
      HttpSecurity http,
      Keyring keyring,
      SecurityProperties properties,
      ClientRegistry clients,
      SecurityAnswers answers,
      FairShare share)
      throws Exception {
    http.authorizeHttpRequests(
            a -> {
              a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
              for (String path : OPEN_GET) {
                a.requestMatchers(AntPathRequestMatcher.antMatcher(HttpMethod.GET, path))
                    .permitAll();
              }
              // Scraping: a dedicated monitor client (or an operator), never anonymous.
              a.requestMatchers(AntPathRequestMatcher.antMatcher(HttpMethod.GET, METRICS))
                  .hasAnyRole(Role.MONITOR.name(), Role.OPERATOR.name());
              a.requestMatchers(AntPathRequestMatcher.antMatcher("/actuator/**"))
                  .hasRole(Role.OPERATOR.name());
              a.anyRequest().authenticated();
            })
        .oauth2ResourceServer(
            rs ->
                rs.authenticationManagerResolver(issuers(keyring, properties, clients))
                    .authenticationEntryPoint(answers)
                    .accessDeniedHandler(answers))
        .addFilterAfter(new AuditCallerFilter(), BearerTokenAuthenticationFilter.class)
        .addFilterAfter(
            new RateLimits(properties, answers, share), BearerTokenAuthenticationFilter.class);
    return common(http, answers).build();
  }

  /** This gateway's own tokens, and the external issuer's when one is configured. */
  static AuthenticationManagerResolver<jakarta.servlet.http.HttpServletRequest> issuers(
      Keyring keyring, SecurityProperties properties, ClientRegistry clients) {
    Map<String, AuthenticationManager> managers = new HashMap<>();
    managers.put(
        properties.issuer(),
        manager(
            AccessTokens.own(keyring, properties, clients), AccessTokens.callers("role", "uscc")));
    if (!properties.issuerUri().isBlank()) {
      managers.put(
          properties.issuerUri(),
          manager(
              AccessTokens.external(properties),
              AccessTokens.callers(
                  properties.external().roleClaim(), properties.external().usccClaim())));
    }
    return new JwtIssuerAuthenticationManagerResolver(managers::get);
  }

  private static AuthenticationManager manager(
      JwtDecoder decoder,
      org.springframework.core.convert.converter.Converter<
              org.springframework.security.oauth2.jwt.Jwt,
              org.springframework.security.authentication.AbstractAuthenticationToken>
          converter) {
    JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
    provider.setJwtAuthenticationConverter(converter);
    return provider::authenticate;
  }

  private static HttpSecurity common(HttpSecurity http, SecurityAnswers answers) throws Exception {
    return http.exceptionHandling(
            e -> e.authenticationEntryPoint(answers).accessDeniedHandler(answers))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(AbstractHttpConfigurer::disable)
        .csrf(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable);
  }

  /** RFC 6749 error answers of the token endpoint, with the rule left for the audit record. */
  /**
   * Token-endpoint refusals as RFC 6749 5.2 says, with the rule kept for the audit record: {@code
   * invalid_client} is 401 (with {@code WWW-Authenticate: Basic} when the client tried a secret),
   * every other error 400. Spring Authorization Server's own handler answers 400 to all of them.
   */
  private static AuthenticationFailureHandler auditedOAuthErrors() {
    OAuth2ErrorAuthenticationFailureHandler standard =
        new OAuth2ErrorAuthenticationFailureHandler();
    OAuth2ErrorHttpMessageConverter converter = new OAuth2ErrorHttpMessageConverter();
    return (request, response, failure) -> {
      String rule =
          failure instanceof OAuth2AuthenticationException o
                  && o.getError().getDescription() != null
              ? o.getError().getDescription()
              : failure instanceof BadCredentialsException
                  ? "client authentication failed"
                  : failure.getClass().getSimpleName();
      request.setAttribute(SecurityAnswers.REFUSAL, rule);
      if (failure instanceof OAuth2AuthenticationException o
          && OAuth2ErrorCodes.INVALID_CLIENT.equals(o.getError().getErrorCode())) {
        ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
        answer.setStatusCode(HttpStatus.UNAUTHORIZED);
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
          answer.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"yiyang-gateway\"");
        }
        converter.write(o.getError(), null, answer);
        return;
      }
      standard.onAuthenticationFailure(request, response, failure);
    };
  }
}
