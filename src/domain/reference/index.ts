/** Reference data a live region needs (issue 16): national daily amounts, national averages, SCB municipalities. */
export * from './daily-amounts';
export * from './national-averages';
export * from './municipalities';
