package io.stepwise.api.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Reads a request body whole, up to {@code maxBytes}. A longer body is still read to its end
 * (up to {@code drainBytes}) and then refused with a 413: closing the connection on a client
 * that is still sending makes TCP reset it, and the client would see no response at all.
 */
final class RequestBodies {
  private final long maxBytes;
  private final long drainBytes;

  RequestBodies(long maxBytes) {
    this.maxBytes = maxBytes;
    this.drainBytes = maxBytes > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : maxBytes * 8;
  }

  long maxBytes() {
    return maxBytes;
  }

  Route read(Function<byte[], Route> inner) {
    // Pekko's own max-content-length would fail the stream mid-body; this limit replaces it.
    return withoutSizeLimit(
        () ->
            extractEntity(
                entity -> {
                  if (entity instanceof HttpEntity.Strict strict) {
                    return inner.apply(checked(strict.getData().size(), strict.getData()));
                  }
                  OptionalLong declared = entity.getContentLengthOption();
                  if (declared.isPresent() && declared.getAsLong() > drainBytes) {
                    throw tooLarge(declared.getAsLong());
                  }
                  return extractMaterializer(
                      mat ->
                          onSuccess(
                              entity
                                  .getDataBytes()
                                  .runFold(new Accumulator(), Accumulator::append, mat),
                              acc -> inner.apply(checked(acc.total, acc.bytes.result()))));
                }));
  }

  private byte[] checked(long total, ByteString data) {
    if (total > maxBytes) {
      throw tooLarge(total);
    }
    return data.toArray();
  }

  private AwsServiceException tooLarge(long size) {
    return AwsErrors.tooLarge(
        "Request of size " + size + " was longer than the maximum of " + maxBytes);
  }

  /** Keeps bytes up to the limit, counts the rest, gives up past the drain bound. */
  private final class Accumulator {
    final ByteStringBuilder bytes = new ByteStringBuilder();
    long total;

    Accumulator append(ByteString chunk) {
      total += chunk.size();
      if (total > drainBytes) {
        throw tooLarge(total);
      }
      if (total <= maxBytes) {
        bytes.append(chunk);
      }
      return this;
    }
  }
}
