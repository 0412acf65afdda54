import sys

from bench.load.run import main

main(sys.argv[1:])
