"""The ground floor: settings and the security primitives every layer may use."""
