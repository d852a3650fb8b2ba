package io.stepwise.persistence.query.scaladsl;

import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.scaladsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.persistence.query.scaladsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.scaladsl.PersistenceIdsQuery;
import org.apache.pekko.persistence.query.scaladsl.ReadJournal;
import org.apache.pekko.stream.scaladsl.Source;

/** The Scala face of {@link io.stepwise.persistence.query.javadsl.StepwiseReadJournal}. */
public final class StepwiseReadJournal implements ReadJournal, CurrentPersistenceIdsQuery, PersistenceIdsQuery,
    CurrentEventsByPersistenceIdQuery, EventsByPersistenceIdQuery {
  private final io.stepwise.persistence.query.javadsl.StepwiseReadJournal delegate;

  public StepwiseReadJournal(io.stepwise.persistence.query.javadsl.StepwiseReadJournal delegate) {
    this.delegate = delegate;
  }

  @Override
  public Source<String, NotUsed> currentPersistenceIds() {
    return delegate.currentPersistenceIds().asScala();
  }

  @Override
  public Source<String, NotUsed> persistenceIds() {
    return delegate.persistenceIds().asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long from, long to) {
    return delegate.currentEventsByPersistenceId(persistenceId, from, to).asScala();
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String persistenceId, long from, long to) {
    return delegate.eventsByPersistenceId(persistenceId, from, to).asScala();
  }
}
