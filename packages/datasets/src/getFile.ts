export { dataDirs, getFile } from '#platform';
