// Placeholder so the component library has a translation unit; remove when real sources land.
