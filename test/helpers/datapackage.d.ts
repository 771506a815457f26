declare module 'datapackage';
