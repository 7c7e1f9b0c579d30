// SPDX-License-Identifier: Apache-2.0
/** The Flink side of a sysql fleet. */
package sysql.fleet.flink;
