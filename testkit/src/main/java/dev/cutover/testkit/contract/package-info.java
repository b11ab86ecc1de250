/**
 * Contract tests every {@link dev.cutover.flags.spi.FlagStore} must pass. A store module extends
 * {@link dev.cutover.testkit.contract.FlagStoreContract} (read-only stores) or
 * {@link dev.cutover.testkit.contract.WritableFlagStoreContract} (stores with compare-and-set
 * writes) in its own tests and implements the hooks:
 *
 * <pre>{@code
 * class MyStoreContractTest extends WritableFlagStoreContract<MyStore> {
 *   protected MyStore createStore() { return new MyStore(freshTable()); }
 *   protected void putRaw(MyStore store, String key, String json) { insertRow(key, json); }
 * }
 * }</pre>
 */
@NullMarked
package dev.cutover.testkit.contract;

import org.jspecify.annotations.NullMarked;
