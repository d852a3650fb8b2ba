package io.stepwise.engine.integration;

import java.net.URI;

/** Where calls to a service are forwarded, and the region and credentials they are signed with. */
public record Endpoint(URI uri, String region, String accessKeyId, String secretAccessKey) {}
