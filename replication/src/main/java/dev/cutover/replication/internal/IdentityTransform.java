package dev.cutover.replication.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.RowTransform;
import dev.cutover.replication.TransformResult;

/**
 * {@link RowTransform#identity()}: one instance, so a backfill can tell that no key changes
 * (and then that no two old keys can collide) without tracking every key.
 */
public enum IdentityTransform implements RowTransform {
    INSTANCE;

    @Override
    public TransformResult apply(Change row) {
        return TransformResult.accept(row);
    }

    @Override
    public String toString() {
        return "RowTransform.identity()";
    }
}
