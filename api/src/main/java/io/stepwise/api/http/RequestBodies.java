package io.stepwise.api.http;

import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.stream.Materializer;
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

  /** A body that arrived whole (most do): its bytes, or a 413 error thrown. */
  byte[] strict(HttpEntity.Strict entity) {
    return checked(entity.getData().size(), entity.getData());
  }

  /** A streamed body, read to its end; the stage fails with the 413 error. */
  CompletionStage<byte[]> read(HttpEntity entity, Materializer mat) {
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > drainBytes) {
      throw tooLarge(declared.getAsLong());
    }
    // Pekko's own max-content-length would fail the stream mid-body; this limit replaces it.
    return entity
        .withoutSizeLimit()
        .getDataBytes()
        .runFold(new Accumulator(), Accumulator::append, mat)
        .thenApply(acc -> checked(acc.total, acc.bytes.result()));
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
