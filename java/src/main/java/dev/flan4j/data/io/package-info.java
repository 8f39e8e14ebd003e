/** Readers for instruction data users bring: Flan Collection, Flan 2021, P3 and Super-NaturalInstructions. */
package dev.flan4j.data.io;
