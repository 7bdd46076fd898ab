touch zeta alpha Beta _under 10 9
echo *
