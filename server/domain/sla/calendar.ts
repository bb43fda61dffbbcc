/** The business calendar lives in shared/ so that consoles count deadlines down in the same working time. */
export * from '@shared/calendar';
