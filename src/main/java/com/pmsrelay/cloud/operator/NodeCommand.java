package com.pmsrelay.cloud.operator;

/**
 * An operator command about the running node itself, not the store (its log levels): it runs only
 * through a node's operator API; with no cloud answering, the command line says so instead.
 */
public interface NodeCommand extends OperatorCommand {}
