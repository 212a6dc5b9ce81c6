/**
 * Benchmark floor: a pass-through route on the gateway's own stack (HTTP in, Camel, HTTP out, no
 * mapping or validation), present only with {@code gateway.bench.enabled=true}. It declares its own
 * HTTP path, the one exception to "paths live in api/", so that nothing of it exists in production.
 * See docs/benchmarks.md.
 */
package org.yiyang.gateway.bench;
