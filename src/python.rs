//! Python interop (placeholder).
