package io.stepwise.persistence.query;

import com.typesafe.config.Config;
import io.stepwise.persistence.query.javadsl.StepwiseReadJournal;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.ReadJournalProvider;

/** Registered as {@code stepwise.query}: {@code PersistenceQuery.get(system).getReadJournalFor(..., "stepwise.query")}. */
public final class StepwiseReadJournalProvider implements ReadJournalProvider {
  private final StepwiseReadJournal javadsl;
  private final io.stepwise.persistence.query.scaladsl.StepwiseReadJournal scaladsl;

  public StepwiseReadJournalProvider(ExtendedActorSystem system, Config config) {
    this.javadsl = new StepwiseReadJournal(system, config.getDuration("refresh-interval"));
    this.scaladsl = new io.stepwise.persistence.query.scaladsl.StepwiseReadJournal(javadsl);
  }

  @Override
  public io.stepwise.persistence.query.scaladsl.StepwiseReadJournal scaladslReadJournal() {
    return scaladsl;
  }

  @Override
  public StepwiseReadJournal javadslReadJournal() {
    return javadsl;
  }
}
