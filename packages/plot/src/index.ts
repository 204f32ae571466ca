export { extent, formatTicks, niceTicks, type Series } from './scale.js';
export { renderSvgChart, type SvgChartOptions } from './svg-chart.js';
