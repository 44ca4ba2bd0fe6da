/**
 * The incoming ports: one interface per use case of an upload, each with the command record it takes
 * when it needs more than an upload id. An HTTP edge (or any other caller) depends on these, never on
 * the service that implements them, so each edge can be wired, wrapped (metrics, logging) and tested
 * against the use cases alone.
 */
package dev.largeupload.domain.usecase;
