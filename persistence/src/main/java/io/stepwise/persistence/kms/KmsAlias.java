package io.stepwise.persistence.kms;

import java.time.Instant;

/** An alias ({@code alias/<name>}) and the key it points to, as ListAliases shows it. */
public record KmsAlias(String aliasName, String targetKeyId, Instant creationDate, Instant lastUpdatedDate) {}
